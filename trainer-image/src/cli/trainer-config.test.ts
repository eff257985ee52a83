import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../core/errors.ts';
import { parseTrainFlags } from './options.ts';
import { buildTrainerConfig, CSV_EXCHANGE, terminationMessagePathOf } from './trainer-config.ts';

const NOW = new Date('2026-01-02T03:04:05.678Z');

function config(argv: string[], env: Record<string, string> = {}) {
  return buildTrainerConfig(parseTrainFlags(argv), env, NOW, '/home/me/project');
}

describe('buildTrainerConfig', () => {
  it('turns laptop flags into a defaulted spec and a local artifact folder', () => {
    const c = config(['--exchange', 'binance', '--symbol', 'BTC/USDT', '--timeframe', '4h', '--window', '48', '--quantiles', '0.05,0.5,0.95']);
    expect(c.spec.market).toEqual({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '4h', lookback: 8760 });
    expect(c.spec.model.window).toBe(48);
    expect(c.spec.model.quantiles).toEqual([0.05, 0.5, 0.95]);
    expect(c.version).toBe('20260102t030405z');
    expect(c.artifactUri).toBe('file:///home/me/project/artifacts/binance/btc-usdt-4h/20260102t030405z/');
    expect(Object.isFrozen(c.spec.model)).toBe(true);
  });

  it('reads the Job contract env and takes the run name from the artifact URI as the version', () => {
    const spec = { forecastModel: 'btc-usdt', reason: 'Initial', market: { exchange: 'kraken', symbol: 'ETH/EUR', timeframe: '1h', lookback: 500 }, model: { units: 16 } };
    const c = config([], { MUR_TRAINING_SPEC: JSON.stringify(spec), MUR_ARTIFACT_URI: 's3://models/markets/btc-usdt/btc-usdt-7f3a2/' });
    expect(c.spec.market.exchange).toBe('kraken');
    expect(c.spec.model.units).toBe(16);
    expect(c.version).toBe('btc-usdt-7f3a2');
    expect(c.artifactUri).toBe('s3://models/markets/btc-usdt/btc-usdt-7f3a2/');
  });

  it('lets flags override the env spec field by field', () => {
    const spec = { market: { exchange: 'binance', symbol: 'BTC/USDT' }, model: { units: 16, epochs: 9 } };
    const c = config(['--epochs', '3'], { MUR_TRAINING_SPEC: JSON.stringify(spec) });
    expect(c.spec.model).toMatchObject({ units: 16, epochs: 3 });
  });

  it('names a CSV market after the Binance dump file name and says it is made up', () => {
    const c = config(['--data', 'data/ETHUSDT-1h-binance.csv']);
    expect(c.spec.market).toMatchObject({ exchange: CSV_EXCHANGE, symbol: 'ETH/USDT' });
    expect(c.marketFromFileName).toBe(true);
    expect(c.dataFile).toBe('/home/me/project/data/ETHUSDT-1h-binance.csv');
  });

  it('records the real market of a CSV file given with --exchange and --symbol', () => {
    const c = config(['--data', 'candles.csv', '--exchange', 'kraken', '--symbol', 'ETH/EUR', '--lookback', '5000']);
    expect(c.spec.market).toEqual({ exchange: 'kraken', symbol: 'ETH/EUR', timeframe: '1h', lookback: 5000 });
    expect(c.marketFromFileName).toBe(false);
  });

  it('takes the version from the artifact folder name, else the start time', () => {
    expect(config(['--exchange', 'binance', '--symbol', 'BTC/USDT', '--artifact', './artifacts/btc-run-7']).version).toBe('btc-run-7');
    expect(config(['--exchange', 'binance', '--symbol', 'BTC/USDT', '--artifact', './artifacts/BTC_Run']).version).toBe('20260102t030405z');
  });

  it('says which flags are missing when no market is given', () => {
    expect(() => config([])).toThrow('no market given: pass --exchange and --symbol (e.g. --exchange binance --symbol BTC/USDT), or --data FILE');
    expect(() => config(['--exchange', 'binance'])).toThrow('--symbol is required with --exchange');
    expect(() => config(['--data', 'x.csv', '--exchange', 'binance'])).toThrow('--symbol is required with --exchange and --data');
  });

  it('keeps the schema field names when the market comes from MUR_TRAINING_SPEC', () => {
    expect(() => config([], { MUR_TRAINING_SPEC: JSON.stringify({ market: { symbol: 'BTC/USDT' } }) })).toThrow('spec.market.exchange: is required');
  });

  it('reads LOG_LEVEL and MUR_STORAGE_ATTEMPTS, refusing values it does not know', () => {
    const market = ['--exchange', 'binance', '--symbol', 'BTC/USDT'];
    expect(config(market, { LOG_LEVEL: 'DEBUG', MUR_STORAGE_ATTEMPTS: '3' })).toMatchObject({ logLevel: 'debug', storageAttempts: 3 });
    expect(() => config(market, { LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL "loud" must be one of fatal, error, warn, info, debug, trace, silent');
    expect(() => config(market, { MUR_STORAGE_ATTEMPTS: '0' })).toThrow('MUR_STORAGE_ATTEMPTS "0" must be a whole number from 1 to 100');
  });

  it('reads object storage settings for an s3:// artifact, from the AWS_ names too', () => {
    const c = config(['--exchange', 'binance', '--symbol', 'BTC/USDT', '--artifact', 's3://models/run-1/'], {
      AWS_ENDPOINT_URL_S3: 'http://minio:9000',
      AWS_ACCESS_KEY_ID: 'key',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_CA_BUNDLE: '/etc/ssl/ca.pem',
    });
    expect(c.s3).toEqual({ endpoint: 'http://minio:9000', accessKey: 'key', secretKey: 'secret', caFile: '/etc/ssl/ca.pem' });
    expect(config(['--exchange', 'binance', '--symbol', 'BTC/USDT'], { S3_ENDPOINT: 'http://minio:9000' }).s3).toBeUndefined();
  });

  it('passes the duplicates policy for a CSV file, refuse by default', () => {
    expect(config(['--data', 'x.csv']).duplicates).toBe('refuse');
    expect(config(['--data', 'x.csv', '--duplicates', 'keep-first']).duplicates).toBe('keep-first');
  });

  it.each([
    [['--exchange', 'binance', '--symbol', 'btcusdt'], 'spec.market.symbol'],
    [['--exchange', 'binance', '--symbol', 'BTC/USDT', '--window', 'many'], '--window'],
    [['--exchange', 'binance', '--symbol', 'BTC/USDT', '--window', '2'], 'spec.model.window'],
    [['--exchange', 'binance', '--symbol', 'BTC/USDT', '--quantiles', '0.1,0.9'], 'spec.model.quantiles'],
    [['--exchange', 'binance', '--symbol', 'BTC/USDT', '--timeframe', '7m'], 'spec.market.timeframe'],
    [['--symbol', 'BTC/USDT'], '--exchange'],
    [[], '--exchange'],
    [['--exchange', 'binance', '--symbol', 'BTC/USDT', '--backend', 'gpu'], '--backend'],
    [['--data', 'x.csv', '--duplicates', 'last'], '--duplicates'],
    [['--exchange', 'binance', '--symbol', 'BTC/USDT', '--duplicates', 'keep-first'], '--duplicates'],
  ])('rejects %j naming %s', (argv, field) => {
    let error: unknown;
    try {
      config(argv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).field).toBe(field);
    expect((error as Error).message).toContain(field);
  });

  it('finds the termination-message file without a full config, the flag first', () => {
    const env = { MUR_TERMINATION_MESSAGE_PATH: '/dev/termination-log' };
    expect(terminationMessagePathOf(['--termination-log', '/tmp/summary'], env)).toBe('/tmp/summary');
    expect(terminationMessagePathOf(['--epoch', '3'], env)).toBe('/dev/termination-log');
    expect(terminationMessagePathOf([], {})).toBeUndefined();
  });

  it('rejects a MUR_TRAINING_SPEC that is not JSON', () => {
    expect(() => config([], { MUR_TRAINING_SPEC: '{market:' })).toThrow(/MUR_TRAINING_SPEC is not valid JSON/);
  });

  it('rejects unknown flags by name', () => {
    expect(() => parseTrainFlags(['--epoch', '3'])).toThrow(/--epoch/);
  });
});
