import type { TSchema } from 'typebox';
import { ForecastRequestSchema } from '../forecast/candle-schema.ts';
import { FORECAST_DETAILS } from '../forecast/forecast-json.ts';
import { CandlesResponseSchema, ErrorResponseSchema, ForecastResponseSchema } from '../forecast/forecast-schema.ts';
import { InferRequestSchema, InferResponseSchema } from '../oip/infer-request.ts';
import { TrackRecordResponseSchema } from '../track-record/track-record-schema.ts';

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  readonly serverVersion: string;
}

const json = (schema: unknown) => ({ 'application/json': { schema } });
const errorRef = { $ref: '#/components/schemas/Error' };
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { description: ERROR_DESCRIPTIONS[status] ?? 'error', content: json(errorRef) }]));
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid request, or more than one Authorization header; `field` names what is wrong',
  401: 'missing or unknown token (WWW-Authenticate: Bearer)',
  404: 'unknown model name or version',
  413: 'body larger than the limit, or more candles than a request may carry',
  415: 'Content-Type is not application/json',
  429: 'rate limit exceeded (Retry-After)',
  503: 'model not loaded yet, refused, or no live forecast yet (Retry-After)',
};
const secured = { security: [{ bearer: [] }] };
const open = { security: [] };

/** The OpenAPI 3.1 description of the service, with request and response schemas from the TypeBox definitions. */
export function buildOpenApiDocument(options: OpenApiOptions): Record<string, unknown> {
  const modelName = { name: 'name', in: 'path', required: true, schema: { type: 'string' }, description: 'MODEL_NAME, by default the pair in lower case (btc-usdt)' };
  const okJson = (description: string, schema: unknown) => ({ description, content: json(schema) });
  const detail = {
    name: 'detail',
    in: 'query',
    required: false,
    schema: { type: 'string', enum: [...FORECAST_DETAILS], default: 'compact' },
    description: 'compact (default): per step the close time, median and interval bounds; full: adds step numbers, ISO timestamps and the price at every quantile',
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Make Us Rich inference service',
      version: options.serverVersion,
      description: 'Price forecasts for one currency pair from an ONNX quantile LSTM. Forecast times are candle close instants; prices are lastClose·exp(quantile log-return).',
    },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from the API-token Secret' } },
      schemas: {
        Error: toOpenApiSchema(ErrorResponseSchema),
        Forecast: toOpenApiSchema(ForecastResponseSchema),
        ForecastRequest: toOpenApiSchema(ForecastRequestSchema),
        Candles: toOpenApiSchema(CandlesResponseSchema),
        InferRequest: toOpenApiSchema(InferRequestSchema),
        InferResponse: toOpenApiSchema(InferResponseSchema),
        TrackRecord: toOpenApiSchema(TrackRecordResponseSchema),
      },
    },
    paths: {
      '/v1/forecast': {
        get: { summary: 'Latest forecast from the live candle feed', ...secured, parameters: [detail], responses: { 200: okJson('forecast', { $ref: '#/components/schemas/Forecast' }), ...errors(400, 401, 429, 503) } },
        post: {
          summary: 'Forecast from candles the caller sends',
          ...secured,
          parameters: [detail],
          requestBody: { required: true, content: json({ $ref: '#/components/schemas/ForecastRequest' }) },
          responses: { 200: okJson('forecast', { $ref: '#/components/schemas/Forecast' }), ...errors(400, 401, 413, 429, 503) },
        },
      },
      '/v1/candles': { get: { summary: 'The recent closed candles the live forecast is based on', ...secured, responses: { 200: okJson('candles', { $ref: '#/components/schemas/Candles' }), ...errors(400, 401, 429, 503) } } },
      '/v1/track-record': {
        get: {
          summary: 'The live out-of-sample record since the training cutoff: MASE, coverage, Winkler per step and overall, with sample counts and past step-1 forecasts',
          ...secured,
          responses: { 200: okJson('track record (zero samples until candles after the cutoff have closed)', { $ref: '#/components/schemas/TrackRecord' }), ...errors(400, 401, 429, 503) },
        },
      },
      '/v1/model': { get: { summary: 'The artifact manifest: version, metrics vs baselines, data range', ...secured, responses: { 200: okJson('manifest.json', { type: 'object' }), ...errors(400, 401, 429, 503) } } },
      '/v2': { get: { summary: 'KServe v2 server metadata', ...secured, responses: { 200: okJson('server metadata', { type: 'object' }), ...errors(400, 401, 429) } } },
      '/v2/health/live': { get: { summary: 'KServe v2 liveness', ...open, responses: { 200: okJson('live', { type: 'object', properties: { live: { type: 'boolean' } } }) } } },
      '/v2/health/ready': { get: { summary: 'KServe v2 readiness (400 while not ready, as the protocol asks)', ...open, responses: { 200: okJson('ready', { type: 'object', properties: { ready: { type: 'boolean' } } }), 400: { description: 'not ready' } } } },
      '/v2/models/{name}': { get: { summary: 'KServe v2 model metadata', ...secured, parameters: [modelName], responses: { 200: okJson('model metadata', { type: 'object' }), ...errors(400, 401, 404, 429, 503) } } },
      '/v2/models/{name}/ready': { get: { summary: 'KServe v2 model readiness (400 while not ready, as the protocol asks)', ...secured, parameters: [modelName], responses: { 200: okJson('ready', { type: 'object' }), 400: { description: 'not ready' }, ...errors(401, 404, 429) } } },
      '/v2/models/{name}/infer': {
        post: {
          summary: 'KServe v2 inference: FP32 [n, window, F] raw features → FP32 [n, horizon, Q] cumulative log-returns; also under /versions/{version}/',
          ...secured,
          parameters: [modelName],
          requestBody: { required: true, content: json({ $ref: '#/components/schemas/InferRequest' }) },
          responses: { 200: okJson('inference result', { $ref: '#/components/schemas/InferResponse' }), ...errors(400, 401, 404, 413, 415, 429, 503) },
        },
      },
      '/healthz': { get: { summary: 'Liveness', ...open, responses: { 200: { description: 'the process answers' } } } },
      '/readyz': { get: { summary: 'Readiness: model loaded and not shutting down', ...open, responses: { 200: { description: 'ready' }, 503: { description: 'loading, refused or draining' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', ...open, responses: { 200: { description: 'text exposition format' } } } },
      '/openapi.json': { get: { summary: 'This document', ...open, responses: { 200: { description: 'OpenAPI 3.1' } } } },
    },
  };
}

/**
 * A TypeBox schema as OpenAPI 3.1 (JSON Schema 2020-12) wants it: TypeBox writes tuples the draft-07 way
 * (`items: [...]`, `additionalItems`), 2020-12 spells them `prefixItems` and `items: false`.
 */
export function toOpenApiSchema(schema: TSchema | unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toOpenApiSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  const source = schema as Record<string, unknown>;
  for (const [key, value] of Object.entries(source)) {
    if (key === 'items' && Array.isArray(value)) out['prefixItems'] = value.map(toOpenApiSchema);
    else if (key === 'additionalItems') out['items'] = value;
    else out[key] = toOpenApiSchema(value);
  }
  return out;
}
