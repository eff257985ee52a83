import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../core/errors.ts';
import { activeBackendName, isBackendName, selectBackend, type BackendLog } from './backend.ts';

interface LogLine {
  readonly level: 'info' | 'warn';
  readonly details: Record<string, unknown>;
  readonly message: string;
}

function recordingLog(): BackendLog & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (details, message) => lines.push({ level: 'info', details, message }),
    warn: (details, message) => lines.push({ level: 'warn', details, message }),
  };
}

// tfjs-node and tfjs-node-gpu are optional dependencies that cannot install on the build machines.
describe('selectBackend', () => {
  it('falls past the missing native backends to wasm and says why', async () => {
    const log = recordingLog();
    expect(await selectBackend({ log })).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(activeBackendName()).toBe('wasm');
    // A missing optional backend is the normal case on most machines: it is reported, not warned about.
    expect(log.lines.filter((line) => line.level === 'warn')).toEqual([]);
    const skipped = log.lines.filter((line) => line.details.reason !== undefined);
    expect(skipped.map((line) => line.details.backend)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(String(skipped[0]!.details.reason)).toMatch(/tfjs-node-gpu/);
    const chosen = log.lines.find((line) => line.details.forced !== undefined)!;
    expect(chosen.details).toMatchObject({ backend: 'wasm', forced: false });
    expect(Object.keys(chosen.details.skipped as object)).toEqual(['tensorflow-gpu', 'tensorflow']);
  });

  it('runs a forced backend and computes on it', async () => {
    const log = recordingLog();
    expect(await selectBackend({ prefer: 'cpu', log })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0]).toBe(5);
    expect(log.lines).toEqual([{ level: 'info', details: { backend: 'cpu', forced: true, skipped: {} }, message: 'TensorFlow.js backend: cpu' }]);
    expect(await selectBackend({ prefer: 'wasm', log })).toBe('wasm');
  });

  it('refuses a forced backend that cannot start, as bad input naming the field', async () => {
    const error = await selectBackend({ prefer: 'tensorflow', log: recordingLog() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).field).toBe('backend');
    expect((error as Error).message).toMatch(/backend "tensorflow" cannot start: .*tfjs-node/);
  });

  it('refuses an unknown backend name', async () => {
    await expect(selectBackend({ prefer: 'webgpu' as never, log: recordingLog() })).rejects.toThrow(/unknown backend "webgpu"; expected one of tensorflow-gpu, tensorflow, wasm, cpu/);
    expect(isBackendName('wasm')).toBe(true);
    expect(isBackendName('webgl')).toBe(false);
  });
});
