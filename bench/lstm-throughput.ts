import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { isBackendName, selectBackend, type BackendLog, type BackendName } from '../trainer-image/src/model/backend.ts';
import { rowRange, rowTensor, stepTensors } from '../trainer-image/src/model/batches.ts';
import { monotoneQuantiles } from '../trainer-image/src/model/monotone-quantiles.ts';
import { pinballLoss } from '../trainer-image/src/model/pinball-loss.ts';
import { createQuantileLstmVariables, disposeParams } from '../trainer-image/src/model/quantile-lstm-model.ts';
import { createSeededRandom } from '../trainer-image/src/model/seeded-random.ts';
import { createTrainStep } from '../trainer-image/src/model/train-step.ts';
import { median } from './stats.ts';

/** What to measure: the model's shape, and how many batches each timed round trains. */
export interface LstmThroughputOptions {
  /** Backend to force; omitted means the best available (selectBackend). */
  readonly backend?: BackendName | undefined;
  readonly units: number;
  readonly layers: number;
  readonly window: number;
  readonly features: number;
  readonly batchSize: number;
  /** Batches per timed round. */
  readonly batches: number;
  /** Timed rounds per implementation; the median counts. Default 3. */
  readonly rounds?: number | undefined;
  /** Default 24. */
  readonly horizon?: number | undefined;
  /** Default [0.1, 0.5, 0.9]. */
  readonly quantiles?: readonly number[] | undefined;
  readonly log?: BackendLog | undefined;
}

/** Training throughput in samples per second: our fused LSTM, stock tf.layers.lstm, and ours / stock. */
export interface LstmThroughput {
  readonly backend: string;
  readonly ours: number;
  readonly stock: number;
  readonly ratio: number;
}

const LEARNING_RATE = 1e-3;
const SILENT_LOG: BackendLog = { info() {}, warn() {} };

/**
 * Trains the same model both ways on the same random batches in one process: ours (fused LSTM, custom
 * BPTT, clipping included) and stock (tf.sequential of tf.layers.lstm + dense head, model.trainOnBatch), both
 * with Adam and the pinball loss on monotone quantiles. A warm-up batch each is excluded; rounds alternate
 * between the two so background load hits both alike; each side reports its median round.
 */
export async function measureLstmThroughput(options: LstmThroughputOptions): Promise<LstmThroughput> {
  const backend = await selectBackend({ prefer: options.backend, log: options.log ?? SILENT_LOG });
  const { units, layers, window, features, batchSize, batches } = options;
  const horizon = options.horizon ?? 24;
  const quantiles = options.quantiles ?? [0.1, 0.5, 0.9];
  const rounds = options.rounds ?? 3;
  const random = createSeededRandom(2024);
  const samples = (batches + 1) * batchSize;
  const x = Float32Array.from({ length: samples * window * features }, () => random.normal());
  const y = Float32Array.from({ length: samples * horizon }, () => 0.5 * random.normal());
  const batchRows = Array.from({ length: batches + 1 }, (_, b) => rowRange(b * batchSize, (b + 1) * batchSize));

  const params = createQuantileLstmVariables({ features, units, layers, horizon, quantiles }, random);
  const oursOptimizer = tf.train.adam(LEARNING_RATE);
  const trainStep = createTrainStep({ params, optimizer: oursOptimizer, quantiles, clipNorm: 1 });
  const oursBatch = async (rows: Int32Array): Promise<void> => {
    const steps = stepTensors(x, rows, window, features);
    const targets = rowTensor(y, rows, horizon);
    trainStep(steps, targets);
    tf.dispose([...steps, targets]);
  };

  const stock = buildStockModel({ units, layers, window, features, horizon, quantiles });
  const stockBatch = async (rows: Int32Array): Promise<void> => {
    const start = rows[0]!;
    const xs = tf.tensor3d(x.subarray(start * window * features, (start + rows.length) * window * features), [rows.length, window, features]);
    const ys = stockTargets(y, rows, horizon, quantiles.length);
    await stock.trainOnBatch(xs, ys);
    tf.dispose([xs, ys]);
  };

  try {
    await oursBatch(batchRows[0]!);
    await stockBatch(batchRows[0]!);
    const oursRates: number[] = [];
    const stockRates: number[] = [];
    for (let round = 0; round < rounds; round++) {
      oursRates.push(await samplesPerSecond(oursBatch, batchRows.slice(1), batchSize));
      stockRates.push(await samplesPerSecond(stockBatch, batchRows.slice(1), batchSize));
    }
    const ours = median(oursRates);
    const stockRate = median(stockRates);
    return { backend, ours, stock: stockRate, ratio: ours / stockRate };
  } finally {
    disposeParams(params);
    oursOptimizer.dispose();
    stock.dispose();
  }
}

interface StockShape {
  readonly units: number;
  readonly layers: number;
  readonly window: number;
  readonly features: number;
  readonly horizon: number;
  readonly quantiles: readonly number[];
}

/** The reference implementation: Keras-style stacked LSTM layers and a dense head, compiled with Adam + pinball. */
function buildStockModel(shape: StockShape): tf.LayersModel {
  const model = tf.sequential();
  for (let l = 0; l < shape.layers; l++) {
    model.add(
      tf.layers.lstm({
        units: shape.units,
        returnSequences: l < shape.layers - 1,
        ...(l === 0 ? { inputShape: [shape.window, shape.features] } : {}),
      }),
    );
  }
  model.add(tf.layers.dense({ units: shape.horizon * shape.quantiles.length }));
  const count = shape.quantiles.length;
  const loss = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => {
    const raw = tf.reshape(yPred, [-1, shape.horizon, count]) as tf.Tensor3D;
    const targets = tf.reshape(tf.slice(tf.reshape(yTrue, [-1, shape.horizon, count]), [0, 0, 0], [-1, -1, 1]), [-1, shape.horizon]);
    return pinballLoss(monotoneQuantiles(raw, shape.quantiles), targets as tf.Tensor2D, shape.quantiles);
  };
  model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss });
  return model;
}

/** Targets [rows, horizon·Q], each value repeated per quantile: layers models insist targets match the output shape. */
function stockTargets(y: Float32Array, rows: Int32Array, horizon: number, quantileCount: number): tf.Tensor2D {
  const values = new Float32Array(rows.length * horizon * quantileCount);
  rows.forEach((row, b) => {
    for (let h = 0; h < horizon; h++) values.fill(y[row * horizon + h]!, (b * horizon + h) * quantileCount, (b * horizon + h + 1) * quantileCount);
  });
  return tf.tensor2d(values, [rows.length, horizon * quantileCount]);
}

async function samplesPerSecond(
  trainBatch: (rows: Int32Array) => Promise<void>,
  batchRows: readonly Int32Array[],
  batchSize: number,
): Promise<number> {
  const started = performance.now();
  for (const rows of batchRows) await trainBatch(rows);
  return (batchRows.length * batchSize) / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string' },
      batches: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
    },
  });
  if (values.backend !== undefined && !isBackendName(values.backend)) {
    throw new Error(`--backend must be one of tensorflow-gpu, tensorflow, wasm, cpu; got ${values.backend}`);
  }
  const log: BackendLog = {
    info: (details, message) => process.stderr.write(`${JSON.stringify({ level: 'info', message, ...details })}\n`),
    warn: (details, message) => process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...details })}\n`),
  };
  const result = await measureLstmThroughput({
    backend: values.backend,
    units: 64,
    layers: 2,
    window: 72,
    features: 8,
    batchSize: 64,
    batches: Number(values.batches),
    rounds: Number(values.rounds),
    log,
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
