import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createAbsentUntilSetGauge, type AbsentUntilSetGauge } from './absent-until-set-gauge.ts';
import { HttpRequestMetrics } from './http-request-metrics.ts';
import { createTrackRecordGauges, type TrackRecordGauges } from './track-record-gauges.ts';

/** Latency buckets (seconds) from 100 µs to 5 s: a cached forecast answers in well under a millisecond. */
const HTTP_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** onnxruntime call buckets (seconds): one lone window takes ~0.1 ms, a batch of 64 a few ms. */
const INFERENCE_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** Every metric the inference service exports, on its own registry (no global state between tests). */
export interface ServerMetrics {
  readonly registry: Registry;
  /** `mur_http_requests_total` and `mur_http_request_duration_seconds`, by method, route pattern and status. */
  readonly http: HttpRequestMetrics;
  readonly tokenRequests: Counter<'token'>;
  /** Count one authenticated request of `tokenName` in `tokenRequests` (added up here, folded in when scraped). */
  countTokenRequest(tokenName: string): void;
  readonly rateLimited: Counter<'token'>;
  readonly authFailures: Counter<'reason'>;
  readonly inferenceDuration: Histogram;
  readonly inferenceBatchSize: Histogram;
  readonly modelInfo: Gauge<'version' | 'exchange' | 'symbol' | 'timeframe' | 'feature_spec_version' | 'sha256'>;
  readonly modelReady: Gauge;
  readonly modelLoadFailures: Counter<'reason'>;
  readonly exchangeUp: Gauge;
  readonly exchangePolls: Counter<'result'>;
  readonly forecastStale: Gauge;
  /** `mur_forecast_age_seconds`: no sample until there is a live forecast. */
  readonly forecastAge: AbsentUntilSetGauge;
  /** `mur_forecast_last_candle_timestamp_seconds`: no sample until there is a live forecast. */
  readonly forecastLastCandle: AbsentUntilSetGauge;
  /** `mur_live_*`: the live track record's figures, absent until the first scoring. */
  readonly trackRecord: TrackRecordGauges;
}

/** Options of {@link createServerMetrics}. */
export interface ServerMetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event-loop lag); default true. */
  readonly processMetrics?: boolean;
}

/** Create the service's metrics on a fresh registry. */
export function createServerMetrics(options: ServerMetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  // Requests per token are added up in plain numbers and folded into the counter when it is read: a
  // labelled prom-client inc() per request costs more than serving a cached forecast's bytes.
  const pendingTokenRequests = new Map<string, { count: number }>();
  return {
    registry,
    http: new HttpRequestMetrics({
      registry,
      counterName: 'mur_http_requests_total',
      counterHelp: 'HTTP requests answered, by route pattern and status',
      histogramName: 'mur_http_request_duration_seconds',
      histogramHelp: 'Time from request to response headers, by route pattern and status',
      buckets: HTTP_BUCKETS,
    }),
    tokenRequests: new Counter({
      name: 'mur_token_requests_total',
      help: 'Authenticated requests per API token name (never the token itself)',
      labelNames: ['token'],
      registers,
      collect() {
        for (const [token, pending] of pendingTokenRequests) {
          if (pending.count > 0) this.inc({ token }, pending.count);
          pending.count = 0;
        }
      },
    }),
    countTokenRequest(tokenName) {
      const pending = pendingTokenRequests.get(tokenName);
      if (pending === undefined) pendingTokenRequests.set(tokenName, { count: 1 });
      else pending.count++;
    },
    rateLimited: new Counter({ name: 'mur_rate_limited_total', help: 'Requests refused with 429 per API token name', labelNames: ['token'], registers }),
    authFailures: new Counter({ name: 'mur_auth_failures_total', help: 'Requests refused with 401, by reason (missing, malformed, unknown)', labelNames: ['reason'], registers }),
    inferenceDuration: new Histogram({ name: 'mur_inference_duration_seconds', help: 'Duration of one onnxruntime call (one micro-batch)', buckets: INFERENCE_BUCKETS, registers }),
    inferenceBatchSize: new Histogram({ name: 'mur_inference_batch_size', help: 'Feature windows per onnxruntime call', buckets: BATCH_SIZE_BUCKETS, registers }),
    modelInfo: new Gauge({ name: 'mur_model_info', help: 'The loaded model (value 1), identified by its labels', labelNames: ['version', 'exchange', 'symbol', 'timeframe', 'feature_spec_version', 'sha256'], registers }),
    modelReady: new Gauge({ name: 'mur_model_ready', help: '1 once the model is loaded and the service is ready', registers }),
    modelLoadFailures: new Counter({ name: 'mur_model_load_failures_total', help: 'Failed model load attempts, by reason (unavailable, unsupported)', labelNames: ['reason'], registers }),
    exchangeUp: new Gauge({ name: 'mur_exchange_up', help: '1 when the last poll of the exchange succeeded, 0 when it failed', registers }),
    exchangePolls: new Counter({ name: 'mur_exchange_polls_total', help: 'Polls of the exchange for new candles, by result (ok, error)', labelNames: ['result'], registers }),
    forecastStale: new Gauge({ name: 'mur_forecast_stale', help: '1 when the live forecast is stale (the exchange is unreachable or a newer candle is missing)', registers }),
    forecastAge: createAbsentUntilSetGauge({ name: 'mur_forecast_age_seconds', help: 'Seconds since the close of the last candle the live forecast is based on (absent until there is one)', registry }),
    forecastLastCandle: createAbsentUntilSetGauge({ name: 'mur_forecast_last_candle_timestamp_seconds', help: 'Open time of the last candle the live forecast is based on (Unix seconds; absent until there is one)', registry }),
    trackRecord: createTrackRecordGauges(registry),
  };
}
