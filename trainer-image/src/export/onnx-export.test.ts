import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuantileLstmWeights } from '../../../core/model-weights.ts';
import { exportQuantileLstmToOnnx, ONNX_IR_VERSION, ONNX_OPSET_VERSION } from './onnx-export.ts';
import { forwardQuantileLstmReference } from '../model/test-support/reference-forward.ts';
import { randomQuantileLstmWeights, randomRawFeatures, type RandomModelShape } from './test-support/random-quantile-lstm.ts';

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };

async function runModel(bytes: Uint8Array, xRaw: Float32Array, batch: number, weights: QuantileLstmWeights): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  try {
    const input = new ort.Tensor('float32', xRaw, [batch, weights.window, weights.inputSize]);
    const output = (await session.run({ features: input })).quantiles;
    if (output === undefined) throw new Error('model returned no "quantiles" output');
    return output;
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('exportQuantileLstmToOnnx', () => {
  it('matches a hand-computed one-unit model (gate order, normalisation, monotone quantiles, target scale)', async () => {
    // Gate biases give i = σ(ln 3) = 0.75, f = σ(-ln 3) = 0.25, o = σ(ln 4) = 0.8; only the cell gate reads x.
    const weights: QuantileLstmWeights = {
      inputSize: 1, units: 1, window: 2, horizon: 1, quantiles: [0.1, 0.5, 0.9],
      featureMean: [1], featureStd: [2], targetScale: [0.5],
      layers: [{ kernel: Float32Array.of(0, 0, 1, 0), recurrent: Float32Array.of(0, 0, 0, 0), bias: Float32Array.of(Math.log(3), -Math.log(3), 0, Math.log(4)) }],
      // raw = [0, h, ln(e - 1)]: the gaps are softplus(0) = ln 2 below the median and softplus(ln(e - 1)) = 1 above.
      head: { kernel: Float32Array.of(0, 1, 0), bias: Float32Array.of(0, 0, Math.log(Math.E - 1)) },
    };
    const expectedForWindow = (x0: number, x1: number): number[] => {
      const c1 = 0.75 * Math.tanh((x0 - 1) / 2);
      const c2 = 0.25 * c1 + 0.75 * Math.tanh((x1 - 1) / 2);
      const h = 0.8 * Math.tanh(c2);
      return [(h - Math.LN2) * 0.5, h * 0.5, (h + 1) * 0.5];
    };
    const bytes = exportQuantileLstmToOnnx(weights, { producerVersion: '0.1.0' });
    const output = await runModel(bytes, Float32Array.of(3, 5, -1, 0.5), 2, weights);
    expect(output.dims).toEqual([2, 1, 3]);
    const expected = [...expectedForWindow(3, 5), ...expectedForWindow(-1, 0.5)];
    Array.from(output.data as Float32Array).forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 6));
  });

  const shapes: readonly (RandomModelShape & { readonly label: string })[] = [
    { label: '1 layer, median only, horizon 1', inputSize: 3, units: 4, window: 5, horizon: 1, layers: 1, quantiles: [0.5] },
    { label: '2 layers, five quantiles, horizon 3', inputSize: 8, units: 6, window: 7, horizon: 3, layers: 2, quantiles: [0.05, 0.1, 0.5, 0.9, 0.95] },
    { label: '1 layer, three quantiles, horizon 4', inputSize: 8, units: 5, window: 6, horizon: 4, layers: 1, quantiles: [0.1, 0.5, 0.9] },
    { label: '2 layers, median first, horizon 2', inputSize: 2, units: 3, window: 4, horizon: 2, layers: 2, quantiles: [0.5, 0.75, 0.9] },
    { label: '1 layer, median last, horizon 1', inputSize: 2, units: 3, window: 3, horizon: 1, layers: 1, quantiles: [0.1, 0.25, 0.5] },
  ];

  for (const [index, shape] of shapes.entries()) {
    it(`equals the plain-TS reference within 1e-5 for batch 1 and 17 (${shape.label})`, async () => {
      const weights = randomQuantileLstmWeights(shape, 1000 + index);
      const session = await ort.InferenceSession.create(exportQuantileLstmToOnnx(weights, { producerVersion: 'test' }), SESSION_OPTIONS);
      try {
        for (const batch of [1, 17]) {
          const xRaw = randomRawFeatures(weights, batch, 2000 + index * 100 + batch);
          const input = new ort.Tensor('float32', xRaw, [batch, shape.window, shape.inputSize]);
          const output = (await session.run({ features: input })).quantiles!;
          expect(output.dims).toEqual([batch, shape.horizon, shape.quantiles.length]);
          expect(maxAbsDiff(output.data as Float32Array, forwardQuantileLstmReference(weights, xRaw))).toBeLessThan(1e-5);
        }
      } finally {
        await session.release();
      }
    });
  }

  it('serves the interval fallback in the graph: equal to the reference with the blend, the median untouched', async () => {
    const plain = randomQuantileLstmWeights(shapes[2]!, 31);
    // Step 1 keeps the network, step 2 falls back fully to naive, steps 3 and 4 blend.
    const intervalFallback = { modelWeight: [1, 0, 0.5, 0.2], naiveOffset: [-0.02, 0, 0.03, -0.04, 0, 0.05, -0.06, 0, 0.07, -0.08, 0, 0.09] };
    const weights = { ...plain, intervalFallback };
    const xRaw = randomRawFeatures(weights, 6, 32);
    const output = (await runModel(exportQuantileLstmToOnnx(weights, { producerVersion: 'test' }), xRaw, 6, weights)).data as Float32Array;
    expect(maxAbsDiff(output, forwardQuantileLstmReference(weights, xRaw))).toBeLessThan(1e-5);
    const network = forwardQuantileLstmReference(plain, xRaw);
    for (let row = 0; row < 6 * 4; row++) expect(output[row * 3 + 1]).toBeCloseTo(network[row * 3 + 1]!, 5);
    // Step 2 (w = 0) of sample 0 is the model's median plus naive's offsets.
    expect(output[3]).toBeCloseTo(network[4]! - 0.04, 5);
    expect(output[5]).toBeCloseTo(network[4]! + 0.05, 5);
  });

  it('outputs quantiles in increasing order for every step', async () => {
    const weights = randomQuantileLstmWeights(shapes[1]!, 77);
    const output = await runModel(exportQuantileLstmToOnnx(weights, { producerVersion: 'test' }), randomRawFeatures(weights, 9, 78), 9, weights);
    const data = output.data as Float32Array;
    for (let row = 0; row < data.length; row += 5) {
      for (let q = 1; q < 5; q++) expect(data[row + q]!).toBeGreaterThan(data[row + q - 1]!);
    }
  });

  describe('contract metadata', () => {
    const weights = randomQuantileLstmWeights(shapes[1]!, 5);
    const bytes = exportQuantileLstmToOnnx(weights, { producerVersion: '1.2.3', docString: 'binance BTC/USDT 1h' });
    let folder = '';
    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), 'onnx-export-'));
    });
    afterAll(async () => {
      await rm(folder, { recursive: true, force: true });
    });

    it('names the input "features" [batch, window, F] and the output "quantiles" [batch, horizon, Q], float32', async () => {
      const path = join(folder, 'model.onnx');
      await writeFile(path, bytes);
      // Loaded from a file path, as a server does after downloading the artifact.
      const session = await ort.InferenceSession.create(path, SESSION_OPTIONS);
      try {
        expect(session.inputMetadata).toEqual([{ name: 'features', isTensor: true, type: 'float32', shape: ['batch', 7, 8] }]);
        expect(session.outputMetadata).toEqual([{ name: 'quantiles', isTensor: true, type: 'float32', shape: ['batch', 3, 5] }]);
        const xRaw = randomRawFeatures(weights, 4, 6);
        const output = (await session.run({ features: new ort.Tensor('float32', xRaw, [4, 7, 8]) })).quantiles!;
        expect(maxAbsDiff(output.data as Float32Array, forwardQuantileLstmReference(weights, xRaw))).toBeLessThan(1e-5);
      } finally {
        await session.release();
      }
    });

    it('records IR version, opset, producer and doc string', () => {
      const model = onnxProto.onnx.ModelProto.decode(bytes);
      expect(Number(model.irVersion)).toBe(ONNX_IR_VERSION);
      expect(model.opsetImport.map((opset) => [opset.domain, Number(opset.version)])).toEqual([['', ONNX_OPSET_VERSION]]);
      expect(model.producerName).toBe('make-us-rich-trainer');
      expect(model.producerVersion).toBe('1.2.3');
      expect(model.docString).toBe('binance BTC/USDT 1h');
      expect(model.graph?.node?.filter((node) => node.opType === 'LSTM').map((node) => node.name)).toEqual(['lstm_0', 'lstm_1']);
    });
  });

  describe('rejects weights that cannot form the graph', () => {
    const valid = randomQuantileLstmWeights(shapes[2]!, 9);
    const cases: readonly [string, QuantileLstmWeights, RegExp][] = [
      ['a short kernel', { ...valid, layers: [{ ...valid.layers[0]!, kernel: new Float32Array(3) }] }, /weights\.layers\[0\]\.kernel has 3 values, expected 160/],
      ['a missing median', { ...valid, quantiles: [0.1, 0.4, 0.9] }, /0\.5/],
      ['unsorted quantiles', { ...valid, quantiles: [0.5, 0.1, 0.9] }, /strictly increasing/],
      ['a zero std', { ...valid, featureStd: valid.featureStd.map((std, i) => (i === 4 ? 0 : std)) }, /weights\.featureStd\[4\] must be > 0/],
      ['a NaN head weight', { ...valid, head: { ...valid.head, bias: valid.head.bias.map((b, i) => (i === 2 ? Number.NaN : b)) } }, /weights\.head\.bias\[2\] is not finite/],
      ['a wrong target scale length', { ...valid, targetScale: [1] }, /weights\.targetScale has 1 values, expected 4/],
      ['no layers', { ...valid, layers: [] }, /at least one LSTM layer/],
    ];
    for (const [label, weights, message] of cases) {
      it(label, () => {
        expect(() => exportQuantileLstmToOnnx(weights, { producerVersion: 'test' })).toThrow(message);
      });
    }
  });
});
