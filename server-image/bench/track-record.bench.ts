// `npm run bench:track-record` (node server-image/bench/track-record.bench.ts): what the live track record
// costs the inference service, with the benchmark's model (window 72, horizon 24, 64 LSTM units) and
// 30 days of hourly candles after the training cutoff. For each scoring batch size: the start-up pass (720
// forecasts), the longest the event loop was held during it (a request waits at most that long), and one
// incremental update (a new candle). Prints one JSON document.
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { roundTo } from '../../bench/stats.ts';
import type { Candle } from '../../core/candle.ts';
import { makeCandles, makeModelArtifact } from '../../test/support/server-fixtures.ts';
import { createServerMetrics } from '../src/metrics/server-metrics.ts';
import { loadOnnxQuantileModel } from '../src/model/onnx-quantile-model.ts';
import { createServingModel } from '../src/model/serving-model.ts';
import { createLiveTrackRecord } from '../src/track-record/live-track-record.ts';

const HOUR_MS = 3_600_000;
const DAYS = 30;
const MODEL = { window: 72, horizon: 24, units: 64, layers: 1, quantiles: [0.1, 0.5, 0.9] } as const;
const BATCH_SIZES = [8, 32, 128];
const INCREMENTAL_RUNS = 20;
const silent = { info() {}, warn() {} };

const artifact = makeModelArtifact({ ...MODEL, seed: 11 });
const metrics = createServerMetrics({ processMetrics: false });
const onnx = await loadOnnxQuantileModel(artifact.modelOnnx, artifact.manifest, { threads: 1 });
const model = createServingModel({ manifest: artifact.manifest, model: onnx, batching: { enabled: true, maxBatchSize: 64, maxWaitMs: 0 }, metrics });
const cutoff = Date.parse(artifact.manifest.data.to);
const origins = DAYS * 24;
// One window before the first origin, the origins, and INCREMENTAL_RUNS candles that arrive one by one.
const candles = makeCandles({ start: cutoff + HOUR_MS - MODEL.window * HOUR_MS, count: MODEL.window + origins + INCREMENTAL_RUNS, seed: 5 });
const history = (extra: number): Candle[] => candles.slice(0, MODEL.window + origins + extra);

/** Start-up pass, longest event-loop hold during it, and the median incremental update, with `batchSize`. */
async function measure(batchSize: number) {
  const record = createLiveTrackRecord({ model, maxDays: DAYS, log: silent, gauges: metrics.trackRecord, batchSize });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const startedAt = performance.now();
  await record.update(history(0));
  const startupMs = performance.now() - startedAt;
  delay.disable();
  const incremental: number[] = [];
  for (let extra = 1; extra <= INCREMENTAL_RUNS; extra++) {
    const at = performance.now();
    await record.update(history(extra));
    incremental.push(performance.now() - at);
  }
  incremental.sort((a, b) => a - b);
  const { overall, steps } = record.latest();
  return {
    batchSize,
    startupMs: roundTo(startupMs, 1),
    longestEventLoopHoldMs: roundTo(delay.max / 1e6, 1),
    incrementalMedianMs: roundTo(incremental[Math.floor(incremental.length / 2)]!, 2),
    scored: { step1: steps[0]!.samples, complete: overall.samples },
    responseBytes: Buffer.byteLength(record.latestJson()),
  };
}

const loadBefore = loadavg()[0]!;
// A first pass warms onnxruntime and the JIT, so the batch sizes compare like with like.
await measure(32);
const results = [];
for (const batchSize of BATCH_SIZES) results.push(await measure(batchSize));
await model.release();
console.log(
  JSON.stringify(
    {
      machine: { cpus: cpus().length, node: process.version, loadAverage1m: { before: loadBefore, after: loadavg()[0]! } },
      model: MODEL,
      days: DAYS,
      timeframe: '1h',
      origins,
      results,
    },
    null,
    2,
  ),
);
