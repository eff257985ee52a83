// npm run bench:train — trains the default model on one year of real hourly ETH/USDT candles over every
// rolling origin, prints per-fold and aggregate figures and the Diebold–Mariano verdicts, and times
// the reference LSTM (2 × 64 units, window 72, batch 64) as we build it and as stock tfjs-layers does,
// in the same process. Prints one JSON document.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../core/logger.ts';
import { FileArtifactStore } from '../core/storage/file-artifact-store.ts';
import { parseTrainingSpec } from '../core/spec.ts';
import { readArtifactManifest } from '../core/storage/artifact-io.ts';
import { readBacktest, type ForecasterName } from '../core/backtest.ts';
import { headlineMetrics } from '../trainer-image/src/backtest/index.ts';
import { createCsvCandleSource } from '../trainer-image/src/candles/index.ts';
import type { EpochProgress } from '../trainer-image/src/cli/progress.ts';
import { runTraining } from '../trainer-image/src/pipeline/run-training.ts';
import { createTfjsForecasterTrainer } from '../trainer-image/src/pipeline/tfjs-forecaster-trainer.ts';
import { trainerVersion } from '../trainer-image/src/train-command.ts';
import { measureLstmThroughput } from './lstm-throughput.ts';
import { median } from './stats.ts';
import { roundSignificant } from '../trainer-image/src/backtest/significant.ts';

const round = (value: number): number => roundSignificant(value, 4);

const DATA = fileURLToPath(new URL('../../shared/data/ETHUSDT-1h-binance-2020-01-01_2022-04-11.csv', import.meta.url));

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: DATA },
    lookback: { type: 'string', default: '8760' },
    backend: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    'skip-throughput': { type: 'boolean', default: false },
    'skip-training': { type: 'boolean', default: false },
  },
});

const log = createLogger({ name: 'bench', level: process.env.LOG_LEVEL ?? 'warn', destination: 2 });
const report: Record<string, unknown> = { benchmark: 'train', machine: machineFacts() };

if (!values['skip-throughput']) {
  // Reference model of the issue: 2 LSTM layers × 64 units, window 72, 8 features, batch 64.
  const throughput = await measureLstmThroughput({
    backend: values.backend as never,
    units: 64,
    layers: 2,
    window: 72,
    features: 8,
    batchSize: 64,
    batches: 4,
    rounds: Number(values.rounds),
    log,
  });
  report.referenceModel = {
    shape: { layers: 2, units: 64, window: 72, features: 8, batchSize: 64 },
    backend: throughput.backend,
    oursSamplesPerSecond: round(throughput.ours),
    stockSamplesPerSecond: round(throughput.stock),
    speedup: round(throughput.ratio),
    target: '>= 2x stock tfjs-layers',
  };
}

if (!values['skip-training']) {
  if (!existsSync(values.data)) {
    report.training = { skipped: `data file not found: ${values.data}` };
  } else {
    const spec = parseTrainingSpec({ market: { exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1h', lookback: Number(values.lookback) }, model: { seed: 1 } });
    const dir = mkdtempSync(path.join(tmpdir(), 'mur-bench-train-'));
    const store = new FileArtifactStore(pathToFileURL(`${dir}/`).href);
    const epochs: EpochProgress[] = [];
    const started = performance.now();
    const summary = await runTraining(
      { spec, version: 'bench' },
      {
        log,
        source: createCsvCandleSource({ path: values.data, timeframe: '1h', lookback: spec.market.lookback }),
        store,
        trainer: createTfjsForecasterTrainer({ log, backend: values.backend }),
        progress: { epoch: (e) => epochs.push(e), finish: () => undefined },
        now: () => new Date(),
        trainerVersion: trainerVersion(),
      },
    );
    const totalSeconds = (performance.now() - started) / 1000;
    const manifest = await readArtifactManifest(store);
    const backtest = await readBacktest(store);
    const { metrics } = manifest;
    report.training = {
      data: { file: path.basename(values.data), candles: manifest.data.candles, gaps: manifest.data.gaps, from: manifest.data.from, to: manifest.data.to },
      model: spec.model,
      backend: manifest.training.backend,
      samplesPerSecond: round(manifest.training.samplesPerSecond),
      epochs: manifest.training.epochs,
      bestEpoch: manifest.training.bestEpoch,
      epochSeconds: round(median(epochs.map((e) => e.seconds))),
      trainingSeconds: round(manifest.training.seconds),
      totalSeconds: round(totalSeconds),
      targets: {
        totalSeconds: '<= 600',
        mase: '<= 1.00 at step 1 and <= 1.02 at every step (aggregate over folds)',
        coverage: `0.75..0.85 at every step for the ${Math.round((metrics.intervalLevel ?? 0) * 100)}% interval`,
        winkler: "<= the best baseline's and <= naive's at every step",
      },
      verdict: metrics.verdict,
      evaluation: backtest.evaluation.scheme,
      folds: backtest.folds.map((fold) => ({ fold: fold.fold, seconds: fold.trainingSeconds, test: fold.test, model: headlineMetrics(fold.forecasters.model), naive: headlineMetrics(fold.forecasters.naive) })),
      aggregate: { range: backtest.test, model: metrics.model, ...metrics.baselines },
      perStep: backtest.aggregate.model.steps.map((step, h) => ({
        step: step.step,
        mase: step.mase,
        coverage: step.coverage,
        winkler: step.winkler,
        bestBaselineWinkler: backtest.tests.interval ? backtest.aggregate[backtest.tests.interval.overall.against as ForecasterName].steps[h]!.winkler : null,
        naiveWinkler: backtest.aggregate.naive.steps[h]!.winkler,
        medianTest: backtest.tests.median.steps[h]!.verdict,
        intervalTest: backtest.tests.interval?.steps[h]!.verdict ?? null,
      })),
      tests: { median: backtest.tests.median.overall, interval: backtest.tests.interval?.overall ?? null },
      backtestJsonBytes: Buffer.byteLength(JSON.stringify(backtest)),
      artifact: summary.artifactUri,
    };
  }
}

process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);

function machineFacts(): Record<string, unknown> {
  return { node: process.version, cpus: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency, platform: `${process.platform}-${process.arch}` };
}
