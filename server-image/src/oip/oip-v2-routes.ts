import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { FEATURE_COUNT } from '../../../core/features.ts';
import type { ArtifactManifest } from '../../../core/manifest.ts';
import type { AppEnv } from '../http/app-env.ts';
import { HttpError } from '../http/http-error.ts';
import { requireJsonContentType } from '../http/json-content-type.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import type { ServingModel } from '../model/serving-model.ts';
import { isReady, requireModel, type ServingState } from '../serving-state.ts';
import { parseInferRequest } from './infer-request.ts';

/** Options of {@link createOipV2Routes}. */
export interface OipV2RoutesOptions {
  readonly state: ServingState;
  /** Authentication and rate limiting for everything but the health routes. */
  readonly guard: readonly MiddlewareHandler<AppEnv>[];
  readonly bodyLimitBytes: number;
  /** Most feature windows one infer request may carry. */
  readonly maxBatch: number;
  readonly serverVersion: string;
}

/** Platform of an ONNX model in model metadata, as the protocol's list of platforms names it. */
const ONNX_PLATFORM = 'onnx_onnxv1';

/**
 * Status of a health or model-ready answer that says "not ready": the protocol answers readiness with the
 * status alone, 200 for true and a 4xx for false; 400 is the one its reference servers (Triton) answer.
 */
const NOT_READY_STATUS = 400;

/** Where the protocol's routes live. */
const V2 = '/v2';

/**
 * KServe Open Inference Protocol v2 over HTTP: server health and metadata, model metadata and readiness,
 * and `infer` with an FP32 tensor [n, window, F] of raw features → [n, horizon, Q] log-return quantiles.
 * Health routes are open (probes); the rest need a token. Errors are `{ "error": "<message>" }` as the
 * protocol asks, with `code` and `field` alongside. Mount at `/`: the routes carry their `/v2` prefix
 * themselves because server metadata answers at `/v2` and `/v2/` alike, which a sub-app mounted at `/v2`
 * cannot tell apart.
 */
export function createOipV2Routes(options: OipV2RoutesOptions): Hono<AppEnv> {
  const { state, guard, bodyLimitBytes, maxBatch, serverVersion } = options;
  const routes = new Hono<AppEnv>();

  routes.get(`${V2}/health/live`, (c) => c.json({ live: true }));
  routes.get(`${V2}/health/ready`, (c) => {
    const ready = isReady(state);
    return c.json({ ready }, ready ? 200 : NOT_READY_STATUS);
  });

  const metadata = { name: 'make-us-rich-inference', version: serverVersion, extensions: [] };
  for (const path of [V2, `${V2}/`]) {
    routes.use(path, ...guard);
    routes.get(path, (c) => c.json(metadata));
  }
  routes.use(`${V2}/models/*`, ...guard);

  // Each model route exists with and without /versions/{version}.
  const modelPaths = (suffix: string) => [`${V2}/models/:name${suffix}`, `${V2}/models/:name/versions/:version${suffix}`];

  for (const path of modelPaths('/ready')) {
    routes.get(path, (c) => {
      const name = checkModelName(c, state);
      const status = state.modelStatus();
      if (status.state === 'ready') checkVersion(c, status.model.manifest);
      const ready = isReady(state);
      return c.json({ name, ready }, ready ? 200 : NOT_READY_STATUS);
    });
  }

  for (const path of modelPaths('')) {
    routes.get(path, (c) => {
      const name = checkModelName(c, state);
      const { manifest } = requireModel(state);
      checkVersion(c, manifest);
      return c.json(modelMetadata(name, manifest));
    });
  }

  for (const path of modelPaths('/infer')) {
    routes.post(path, async (c) => {
      const name = checkModelName(c, state);
      const model = requireModel(state);
      const { manifest } = model;
      checkVersion(c, manifest);
      requireJsonContentType(c);
      const body = await readJsonBody(c, bodyLimitBytes);
      const request = parseInferRequest(body, {
        inputName: manifest.io.input,
        outputName: manifest.io.output,
        window: manifest.window,
        featureCount: FEATURE_COUNT,
        maxBatch,
      });
      return c.json(await infer(model, name, request.id, request.features, request.samples));
    });
  }

  return routes;
}

async function infer(model: ServingModel, name: string, id: string | undefined, features: Float32Array, samples: number) {
  const { manifest } = model;
  const output = await model.infer(features, samples);
  return {
    model_name: name,
    model_version: manifest.version,
    ...(id !== undefined && { id }),
    outputs: [{ name: manifest.io.output, shape: [samples, manifest.horizon, manifest.quantiles.length], datatype: 'FP32', data: Array.from(output) }],
  };
}

function modelMetadata(name: string, manifest: ArtifactManifest) {
  return {
    name,
    versions: [manifest.version],
    platform: ONNX_PLATFORM,
    inputs: [{ name: manifest.io.input, datatype: 'FP32', shape: [-1, manifest.window, FEATURE_COUNT] }],
    outputs: [{ name: manifest.io.output, datatype: 'FP32', shape: [-1, manifest.horizon, manifest.quantiles.length] }],
    parameters: {
      exchange: manifest.market.exchange,
      symbol: manifest.market.symbol,
      timeframe: manifest.market.timeframe,
      quantiles: manifest.quantiles,
      features: manifest.features,
      output_meaning: 'cumulative log-return of close from the last input candle, per horizon step and quantile',
    },
  };
}

function checkModelName(c: Context<AppEnv>, state: ServingState): string {
  const name = c.req.param('name') ?? '';
  const served = state.modelName();
  // Without MODEL_NAME the name comes from the manifest; until it is loaded any name is answered (503).
  if (served !== undefined && name !== served) throw new HttpError(404, `model "${name}" is not served here; this server serves "${served}"`, { field: 'name' });
  return name;
}

function checkVersion(c: Context<AppEnv>, manifest: ArtifactManifest): void {
  const version = c.req.param('version');
  if (version !== undefined && version !== manifest.version) {
    throw new HttpError(404, `model version "${version}" is not served here; the loaded version is "${manifest.version}"`, { field: 'version' });
  }
}
