/** The files smoke checks mount: a small candle CSV, a writable artifact folder, a kubeconfig naming a closed port. */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mount } from './buildah-args.ts';
import type { Fixture } from './image-table.ts';

/** How many hourly candles the trainer's smoke run trains on: enough for a window of 24 and a horizon of 4. */
export const SMOKE_CANDLES = 400;

const HOUR_MS = 3_600_000;

/**
 * `count` hourly candles as a Binance kline dump (no header, 12 columns), a deterministic random walk. Used when
 * the real market data folder is absent.
 */
export function syntheticKlineCsv(count: number, startMs = Date.UTC(2021, 0, 1)): string {
  let seed = 42;
  const random = () => {
    // A fixed linear congruential generator: the same file every run, so a warm run trains on the same data.
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const rows: string[] = [];
  let close = 1_000;
  for (let index = 0; index < count; index++) {
    const open = close;
    close = Math.max(1, open * (1 + (random() - 0.5) * 0.02));
    const high = Math.max(open, close) * (1 + random() * 0.005);
    const low = Math.min(open, close) * (1 - random() * 0.005);
    const volume = 100 + random() * 900;
    const openTime = startMs + index * HOUR_MS;
    const fixed = (value: number) => value.toFixed(2);
    rows.push([openTime, fixed(open), fixed(high), fixed(low), fixed(close), fixed(volume), openTime + HOUR_MS - 1, fixed(volume * close), 100, fixed(volume / 2), fixed((volume / 2) * close), 0].join(','));
  }
  return `${rows.join('\n')}\n`;
}

/** The first `count` candle lines of a kline dump (the real data, when the shared folder is there). */
export function firstLines(text: string, count: number): string {
  return `${text.split('\n').filter((line) => line.trim() !== '').slice(0, count).join('\n')}\n`;
}

/** A kubeconfig whose API server is a loopback port nothing listens on. */
export function closedPortKubeconfig(port: number): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: closed',
    `  cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}`,
    'contexts:',
    '- name: closed',
    '  context: {cluster: closed, user: nobody, namespace: make-us-rich}',
    'current-context: closed',
    'users:',
    '- name: nobody',
    '  user: {token: none}',
    '',
  ].join('\n');
}

/** Inputs for preparing the fixtures. */
export interface FixtureOptions {
  readonly workDir: string;
  /** Real hourly candles to cut the CSV from, when present. */
  readonly candleSource: string;
  readonly closedPort: number;
}

/** Create every fixture under `workDir` and return the mount of each. */
export function prepareFixtures(options: FixtureOptions): Record<Fixture, Mount> {
  const dir = (name: string, mode: number) => {
    const path = join(options.workDir, name);
    mkdirSync(path, { recursive: true });
    chmodSync(path, mode);
    return path;
  };
  const candles = dir('candles', 0o755);
  const csv = existsSync(options.candleSource) ? firstLines(readFileSync(options.candleSource, 'utf8'), SMOKE_CANDLES) : syntheticKlineCsv(SMOKE_CANDLES);
  writeFileSync(join(candles, 'candles.csv'), csv, { mode: 0o644 });
  // The images run as uid 10001: the artifact folder must be writable by anyone.
  const model = dir('model', 0o777);
  const kube = dir('kube', 0o755);
  writeFileSync(join(kube, 'config'), closedPortKubeconfig(options.closedPort), { mode: 0o644 });
  return {
    candles: { hostPath: candles, containerPath: '/data', readOnly: true },
    model: { hostPath: model, containerPath: '/models', readOnly: false },
    kubeconfig: { hostPath: kube, containerPath: '/kube', readOnly: true },
  };
}

/** The host path of a container path that lies under one of the mounts. */
export function hostPathOf(containerPath: string, mounts: readonly Mount[]): string | undefined {
  for (const mount of mounts) {
    const prefix = `${mount.containerPath.replace(/\/$/, '')}/`;
    if (containerPath.startsWith(prefix)) return join(mount.hostPath, containerPath.slice(prefix.length));
  }
  return undefined;
}
