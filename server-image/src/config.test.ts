import { describe, expect, it } from 'vitest';
import { parseServerConfig } from './config.ts';

const base = { MODEL_URI: 'file:///srv/artifacts/btc-usdt/run-1/' };

describe('parseServerConfig', () => {
  it('applies the documented defaults and freezes the result', () => {
    const config = parseServerConfig(base);
    expect(config).toMatchObject({
      modelUri: base.MODEL_URI,
      host: '0.0.0.0',
      port: 8080,
      tokenDir: '/var/run/secrets/makeusrich/tokens',
      exchangeBaseUrl: undefined,
      ortThreads: 1,
      rateLimit: { ratePerSecond: 20, burst: 40 },
      batching: { enabled: true, maxBatchSize: 64, maxWaitMs: 0 },
      bodyLimitBytes: 1_048_576,
      logLevel: 'info',
      modelName: undefined,
      shutdownTimeoutMs: 10_000,
      trackRecordDays: 30,
      s3: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.batching)).toBe(true);
  });

  it('reads every variable', () => {
    const config = parseServerConfig({
      ...base,
      PORT: '9000',
      HOST: '127.0.0.1',
      TOKEN_DIR: '/tokens',
      EXCHANGE_BASE_URL: 'http://mirror:8080',
      ORT_THREADS: '2',
      RATE_LIMIT_PER_SECOND: '5',
      RATE_LIMIT_BURST: '7',
      BATCH_ENABLED: 'false',
      BATCH_MAX_SIZE: '16',
      BATCH_MAX_WAIT_MS: '0.5',
      LOG_LEVEL: 'debug',
      MODEL_NAME: 'btc-usdt',
      MODEL_VERSION: 'btc-usdt-run-3',
      BODY_LIMIT_BYTES: '65536',
      TRACK_RECORD_DAYS: '7',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      tokenDir: '/tokens',
      exchangeBaseUrl: 'http://mirror:8080',
      ortThreads: 2,
      rateLimit: { ratePerSecond: 5, burst: 7 },
      batching: { enabled: false, maxBatchSize: 16, maxWaitMs: 0.5 },
      logLevel: 'debug',
      modelName: 'btc-usdt',
      expectedModelVersion: 'btc-usdt-run-3',
      bodyLimitBytes: 65_536,
      trackRecordDays: 7,
    });
  });

  it('switches rate limiting off with RATE_LIMIT_PER_SECOND=0', () => {
    expect(parseServerConfig({ ...base, RATE_LIMIT_PER_SECOND: '0' }).rateLimit).toBeUndefined();
  });

  it('takes S3 settings for an s3:// model and insists on them', () => {
    const s3 = { S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY_ID: 'key', S3_SECRET_ACCESS_KEY: 'secret' };
    expect(parseServerConfig({ MODEL_URI: 's3://artifacts/markets/btc-usdt/run-1/', ...s3 }).s3).toMatchObject({ endpoint: 'http://minio:9000' });
    expect(() => parseServerConfig({ MODEL_URI: 's3://artifacts/run-1/' })).toThrow(/S3_ENDPOINT is not set/);
  });

  it('names the variable at fault', () => {
    expect(() => parseServerConfig({})).toThrow(/MODEL_URI is required/);
    expect(() => parseServerConfig({ MODEL_URI: 'https://x/' })).toThrow(/MODEL_URI .* must start with s3:\/\/ or file:\/\//);
    expect(() => parseServerConfig({ ...base, PORT: 'http' })).toThrow('PORT "http" must be a whole number from 0 to 65535');
    expect(() => parseServerConfig({ ...base, PORT: '70000' })).toThrow(/^PORT/);
    expect(() => parseServerConfig({ ...base, ORT_THREADS: '1.5' })).toThrow(/^ORT_THREADS "1.5" must be a whole number/);
    expect(() => parseServerConfig({ ...base, BATCH_ENABLED: 'maybe' })).toThrow(/^BATCH_ENABLED/);
    expect(() => parseServerConfig({ ...base, LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL/);
    expect(() => parseServerConfig({ ...base, MODEL_NAME: 'a/b' })).toThrow(/^MODEL_NAME/);
    expect(() => parseServerConfig({ ...base, RATE_LIMIT_PER_SECOND: '-1' })).toThrow(/^RATE_LIMIT_PER_SECOND/);
    expect(() => parseServerConfig({ ...base, TRACK_RECORD_DAYS: '0' })).toThrow(/^TRACK_RECORD_DAYS/);
  });
});
