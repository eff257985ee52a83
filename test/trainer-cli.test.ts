import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Candle } from '../core/candle.ts';
import { buildFeatureWindow, FEATURE_COUNT } from '../core/features.ts';
import { readBacktest } from '../core/backtest.ts';
import { readArtifact } from '../core/storage/artifact-io.ts';
import { openArtifactStore } from '../core/storage/open-artifact-store.ts';
import { startExchangeReplayServer } from '../exchange-replay/exchange-replay-server.ts';
import { runMur, spawnMur, summaryOf } from './support/run-cli.ts';
import { startS3Server, type TestS3Server } from '../local-cluster/s3-server.ts';
import { makeCandles } from './support/server-fixtures.ts';

const HOUR = 3_600_000;
// The exchange source asks for the candles before the wall clock, so the replayed series ends now:
// its last candle opened this hour and is still open.
const START = Math.floor(Date.now() / HOUR) * HOUR - 702 * HOUR;
const TINY_MODEL = ['--window', '12', '--horizon', '3', '--units', '8', '--epochs', '2', '--batch-size', '32', '--seed', '7'];

/** 700 hourly candles with a 3-hour hole in the middle, as exchanges have after downtime. */
function candlesWithGap(): Candle[] {
  const candles = makeCandles({ start: START, count: 703, seed: 11 });
  return [...candles.slice(0, 350), ...candles.slice(353)];
}

/** A headered OHLCV file of 400 hourly candles in `dir`. */
async function writeCandleCsv(dir: string, name = 'candles.csv'): Promise<string> {
  const file = path.join(dir, name);
  const rows = makeCandles({ start: START, count: 400, seed: 3 }).map((c) => `${c.time},${c.open},${c.high},${c.low},${c.close},${c.volume}`);
  await writeFile(file, `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
  return file;
}

describe('mur train end to end', () => {
  let s3: TestS3Server;
  let exchange: Awaited<ReturnType<typeof startExchangeReplayServer>>;
  let s3Env: Record<string, string>;
  const scratchDirs: string[] = [];
  /** A temporary folder removed after the suite. */
  const scratch = async (prefix: string) => {
    const dir = await mkdtemp(path.join(tmpdir(), prefix));
    scratchDirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    s3 = await startS3Server({ bucket: 'models' });
    const candles = candlesWithGap();
    exchange = await startExchangeReplayServer({ candles, timeframe: '1h', symbol: 'BTC/USDT' });
    s3Env = { S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY_ID: s3.accessKey, S3_SECRET_ACCESS_KEY: s3.secretKey };
  });

  afterAll(async () => {
    await exchange?.close();
    await s3?.close();
    await Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('trains from the exchange through the Job contract env and writes a loadable artifact to S3', async () => {
    const dir = await scratch('mur-e2e-');
    const terminationLog = path.join(dir, 'termination-log');
    const spec = { forecastModel: 'btc-usdt', reason: 'Initial', market: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 600 } };
    const uri = 's3://models/markets/btc-usdt/btc-usdt-1/';
    const result = await runMur(['train', ...TINY_MODEL], {
      ...s3Env,
      MUR_TRAINING_SPEC: JSON.stringify(spec),
      MUR_ARTIFACT_URI: uri,
      MUR_EXCHANGE_BASE_URL: exchange.url,
      MUR_TERMINATION_MESSAGE_PATH: terminationLog,
      MUR_BACKEND: 'wasm',
    });
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const summary = summaryOf(result);
    expect(summary).toMatchObject({ ok: true, artifactUri: uri, version: 'btc-usdt-1', backend: 'wasm' });
    expect(summary.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(summary.metrics as object).sort()).toEqual(['coverage', 'directionalAccuracy', 'intervalTest', 'mase', 'maseStep1', 'medianTest', 'naiveMase', 'skillVsNaive', 'winkler']);
    expect((summary.metrics as { medianTest: { against: string } }).medianTest.against).toBe('naive');
    expect((await readFile(terminationLog, 'utf8')).trim()).toBe(result.stdout.trim().split('\n').pop());
    expect(Buffer.byteLength(await readFile(terminationLog))).toBeLessThan(4096);

    const store = openArtifactStore(uri, { s3: { endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey } });
    const { manifest, modelOnnx } = await readArtifact(store);
    expect(manifest.market).toEqual({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 600 });
    expect(manifest.data.gaps).toBe(1);
    expect(manifest.data.candles).toBeLessThanOrEqual(600);
    expect(manifest.training.backend).toBe('wasm');
    expect(manifest.modelSha256).toBe(summary.sha256);
    const backtest = await readBacktest(store);
    expect(Object.keys(backtest.aggregate).sort()).toEqual(['drift', 'ewmaVolatility', 'model', 'naive', 'seasonalNaive']);
    expect(backtest.folds.map((f) => f.fold)).toEqual([1, 2, 3, 4]);
    // The served model is the last fold's: trained on everything before the last test block.
    expect(manifest.data.train).toEqual(backtest.folds[3]!.train);
    expect(manifest.data.test).toEqual(backtest.test);
    expect(manifest.metrics.verdict).toMatch(/^median: (beats naive|no evidence of skill vs naive|worse than naive) \(p [=<] /);

    // The artifact is self-contained: raw candles → core features → onnxruntime → ordered quantiles.
    const session = await ort.InferenceSession.create(modelOnnx);
    const window = buildFeatureWindow(candlesWithGap().slice(-13), 12);
    const output = await session.run({ features: new ort.Tensor('float32', window, [1, 12, FEATURE_COUNT]) });
    const quantiles = output.quantiles!.data as Float32Array;
    expect(output.quantiles!.dims).toEqual([1, 3, 3]);
    for (let step = 0; step < 3; step++) {
      expect(quantiles[step * 3]!).toBeLessThan(quantiles[step * 3 + 1]!);
      expect(quantiles[step * 3 + 1]!).toBeLessThan(quantiles[step * 3 + 2]!);
    }
  });

  it('exits 2 for an unknown symbol and leaves no manifest behind', async () => {
    const dir = await scratch('mur-bad-symbol-');
    const result = await runMur(['train', '--exchange', 'binance', '--symbol', 'DOGE/EUR', '--exchange-url', exchange.url, '--artifact', dir, ...TINY_MODEL]);
    expect(result.code).toBe(2);
    expect(summaryOf(result)).toMatchObject({ ok: false, reason: 'BadInput' });
    expect(String(summaryOf(result).error)).toContain('DOGE/EUR');
    expect(await readdir(dir)).not.toContain('manifest.json');
  });

  it('exits 2 when the history is too short for window, horizon and splits', async () => {
    const dir = await scratch('mur-short-');
    const result = await runMur(['train', '--exchange', 'binance', '--symbol', 'BTC/USDT', '--lookback', '200', '--exchange-url', exchange.url, '--artifact', dir, '--window', '72', '--horizon', '24']);
    expect(result.code).toBe(2);
    expect(String(summaryOf(result).error)).toMatch(/need at least \d+ .*candles/);
    expect(String(summaryOf(result).error)).toMatch(/market\.lookback|model\.window/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('exits 2 for a CSV with a malformed row, naming file, line and field', async () => {
    const dir = await scratch('mur-csv-');
    const csv = path.join(dir, 'candles.csv');
    const rows = makeCandles({ start: START, count: 400, seed: 3 }).map((c) => `${c.time},${c.open},${c.high},${c.low},${c.close},${c.volume}`);
    rows[120] = rows[120]!.replace(/,[^,]+,([^,]+)$/, ',oops,$1');
    await writeFile(csv, `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
    const result = await runMur(['train', '--data', csv, '--artifact', path.join(dir, 'out'), ...TINY_MODEL]);
    expect(result.code).toBe(2);
    expect(String(summaryOf(result).error)).toMatch(/candles\.csv line 122, field "close"/);
  });

  it('records the market given with --data, --exchange and --symbol, so the model can serve a live feed', async () => {
    const dir = await scratch('mur-csv-market-');
    const csv = await writeCandleCsv(dir);
    const result = await runMur(['train', '--data', csv, '--exchange', 'binance', '--symbol', 'BTC/USDT', '--artifact', path.join(dir, 'out'), ...TINY_MODEL, '--backend', 'wasm']);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const { manifest } = await readArtifact(openArtifactStore(String(summaryOf(result).artifactUri)));
    expect(manifest.market).toMatchObject({ exchange: 'binance', symbol: 'BTC/USDT' });
    expect(result.stderr).not.toContain('cannot serve live forecasts');
  });

  it('ends a --data run without a market with a line saying it cannot serve a live feed and how to fix it', async () => {
    const dir = await scratch('mur-csv-nomarket-');
    const csv = await writeCandleCsv(dir, 'ETHUSDT-1h-export.csv');
    const result = await runMur(['train', '--data', csv, '--artifact', path.join(dir, 'out'), ...TINY_MODEL, '--backend', 'wasm']);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const lastLog = JSON.parse(result.stderr.trim().split('\n').pop()!) as { level: string; msg: string };
    expect(lastLog.level).toBe('warn');
    expect(lastLog.msg).toContain('this model cannot serve live forecasts');
    expect(lastLog.msg).toContain('--exchange <ccxt id, e.g. binance> --symbol ETH/USDT');
  });

  it('exits 2 naming the flags to give when no market is given', async () => {
    const result = await runMur(['train']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no market given: pass --exchange and --symbol');
    expect(result.stderr).toContain('--data FILE');
    expect(summaryOf(result)).toMatchObject({ ok: false, reason: 'BadInput' });
  });

  it('exits 2 for an unknown LOG_LEVEL, naming it', async () => {
    const result = await runMur(['train', '--exchange', 'binance', '--symbol', 'BTC/USDT'], { LOG_LEVEL: 'loud' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('LOG_LEVEL "loud" must be one of');
  });

  it('exits 1 with a clear error when object storage is unreachable, after retrying', async () => {
    const result = await runMur(['train', '--exchange', 'binance', '--symbol', 'BTC/USDT', '--exchange-url', exchange.url, '--artifact', 's3://models/x/y/z/', ...TINY_MODEL], {
      S3_ENDPOINT: 'http://127.0.0.1:9',
      S3_ACCESS_KEY_ID: 'k',
      S3_SECRET_ACCESS_KEY: 's',
      MUR_STORAGE_ATTEMPTS: '2',
    });
    expect(result.code).toBe(1);
    const error = String(summaryOf(result).error);
    expect(error).toContain('127.0.0.1:9');
    expect(error).toMatch(/ECONNREFUSED|unreachable/);
    // The destination is checked before candles are fetched, so no training time is wasted.
    expect(result.stderr).not.toContain('loading candles');
    // The wait is not silent: each retry says which attempt failed, why, and how long until the next.
    expect(result.stderr).toMatch(/object storage attempt 1 of 2 failed \(.*ECONNREFUSED.*\); retrying in \d+\.\d s/);
  });

  it('refuses to overwrite a run folder that already holds a model', async () => {
    const dir = await scratch('mur-twice-');
    const args = ['train', '--exchange', 'binance', '--symbol', 'BTC/USDT', '--exchange-url', exchange.url, '--artifact', dir, ...TINY_MODEL];
    expect((await runMur(args)).code).toBe(0);
    const manifestBefore = await readFile(path.join(dir, 'manifest.json'), 'utf8');
    const second = await runMur(args);
    expect(second.code).toBe(2);
    expect(summaryOf(second)).toMatchObject({ ok: false, reason: 'BadInput' });
    expect(String(summaryOf(second).error)).toContain('already holds a finished model (manifest.json), which is never overwritten: pass another --artifact folder');
    expect(second.stderr).not.toContain('loading candles');
    expect(await readFile(path.join(dir, 'manifest.json'), 'utf8')).toBe(manifestBefore);
  });

  it('records a SIGTERM in the termination message and exits 143 without a manifest', async () => {
    const dir = await scratch('mur-sigterm-');
    const terminationLog = path.join(dir, 'termination-log');
    const child = spawnMur(['train', '--exchange', 'binance', '--symbol', 'BTC/USDT', '--exchange-url', exchange.url, '--artifact', path.join(dir, 'out'), ...TINY_MODEL, '--epochs', '1000', '--patience', '100'], {
      MUR_TERMINATION_MESSAGE_PATH: terminationLog,
    });
    // Stop it once training has begun.
    await new Promise<void>((resolve) => child.stderr.on('data', (chunk: Buffer) => chunk.toString().includes('dataset built') && resolve()));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(143);
    expect(JSON.parse(await readFile(terminationLog, 'utf8'))).toMatchObject({ ok: false, reason: 'Terminated' });
    expect(await readdir(path.join(dir, 'out')).catch(() => [])).not.toContain('manifest.json');
  });

  it('prints every flag with --help and exits 0', async () => {
    const result = await runMur(['train', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--exchange-url');
    expect(result.stdout).toContain('MUR_TRAINING_SPEC');
    for (const text of ['--version NAME', '--termination-log FILE', 'tensorflow-gpu', 'S3_SESSION_TOKEN', 'S3_FORCE_PATH_STYLE', 'LOG_LEVEL', 'AWS_CA_BUNDLE', 'default: 1h']) {
      expect(result.stdout).toContain(text);
    }
  });

  it('exits 2 for an unknown flag', async () => {
    const result = await runMur(['train', '--epoch', '3']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--epoch');
  });
});
