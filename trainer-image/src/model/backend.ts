import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BadInputError } from '../../../core/errors.ts';

/** Backends in order of preference; `tensorflow-gpu` and `tensorflow` are libtensorflow via tfjs-node(-gpu). */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

/** A TensorFlow.js backend the trainer can run on. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The slice of a logger backend selection writes to; a pino logger satisfies it. */
export interface BackendLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /** Use exactly this backend (a `--backend` flag, or tests); throws when it cannot start. */
  readonly prefer?: BackendName | undefined;
  readonly log: BackendLog;
}

/** True when `value` names a backend the trainer knows. */
export function isBackendName(value: string): value is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(value);
}

/**
 * Starts the best TensorFlow.js backend available and returns its name: tfjs-node-gpu, then tfjs-node
 * (optional packages, absent on most machines), then wasm, then the pure-JS cpu backend. Logs the one that
 * runs and why each better one did not.
 */
export async function selectBackend(options: SelectBackendOptions): Promise<BackendName> {
  const { prefer, log } = options;
  if (prefer !== undefined && !isBackendName(prefer)) {
    throw new BadInputError(`unknown backend "${String(prefer)}"; expected one of ${BACKEND_NAMES.join(', ')}`, 'backend');
  }
  const candidates = prefer === undefined ? BACKEND_NAMES : [prefer];
  const skipped: Record<string, string> = {};
  for (const name of candidates) {
    try {
      await startBackend(name);
      selected = name;
      log.info({ backend: name, forced: prefer !== undefined, skipped }, `TensorFlow.js backend: ${name}`);
      return name;
    } catch (error) {
      skipped[name] = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      if (prefer === undefined) log.info({ backend: name, reason: skipped[name] }, `TensorFlow.js backend ${name} unavailable`);
    }
  }
  if (prefer !== undefined) {
    throw new BadInputError(`backend "${prefer}" cannot start: ${skipped[prefer]}`, 'backend');
  }
  throw new Error(`no TensorFlow.js backend could start: ${JSON.stringify(skipped)}`);
}

let selected: BackendName | undefined;

/** The backend TensorFlow.js runs on now, named as in {@link BACKEND_NAMES} when selectBackend chose it. */
export function activeBackendName(): string {
  const engineName = tf.getBackend();
  const selectedEngine = selected === 'tensorflow-gpu' ? 'tensorflow' : selected;
  return selected !== undefined && selectedEngine === engineName ? selected : engineName;
}

async function startBackend(name: BackendName): Promise<void> {
  if (name === 'tensorflow-gpu' || name === 'tensorflow') {
    // A variable specifier keeps TypeScript from requiring the optional packages at compile time.
    const specifier: string = name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
    await import(specifier);
    await activate('tensorflow');
    return;
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm binaries sit beside the package's main file; point the loader there explicitly so it
    // does not depend on how the module was resolved (bundled, vitest, plain node).
    const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(`${path.dirname(entry)}${path.sep}`);
  }
  await activate(name);
}

async function activate(backendName: string): Promise<void> {
  if (!(await tf.setBackend(backendName))) throw new Error(`tf.setBackend('${backendName}') failed`);
  await tf.ready();
}
