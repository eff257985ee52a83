import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../core/errors.ts';
import { parseTrainFlags, trainHelp, TRAIN_FLAGS } from './options.ts';
import { buildTrainerConfig } from './trainer-config.ts';

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

  it('names a CSV market after the Binance dump file name', () => {
    const c = config(['--data', 'data/ETHUSDT-1h-binance.csv']);
    expect(c.spec.market).toMatchObject({ exchange: 'csv', symbol: 'ETH/USDT' });
    expect(c.dataFile).toBe('/home/me/project/data/ETHUSDT-1h-binance.csv');
  });

  it.each([
    [['--exchange', 'binance', '--symbol', 'btcusdt'], 'spec.market.symbol'],
    [['--exchange', 'binance', '--symbol', 'BTC/USDT', '--window', 'many'], '--window'],
    [['--exchange', 'binance', '--symbol', 'BTC/USDT', '--window', '2'], 'spec.model.window'],
    [['--exchange', 'binance', '--symbol', 'BTC/USDT', '--quantiles', '0.1,0.9'], 'spec.model.quantiles'],
    [['--exchange', 'binance', '--symbol', 'BTC/USDT', '--timeframe', '7m'], 'spec.market.timeframe'],
    [['--symbol', 'BTC/USDT'], 'spec.market.exchange'],
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

  it('rejects a MUR_TRAINING_SPEC that is not JSON', () => {
    expect(() => config([], { MUR_TRAINING_SPEC: '{market:' })).toThrow(/MUR_TRAINING_SPEC is not valid JSON/);
  });

  it('rejects unknown flags by name', () => {
    expect(() => parseTrainFlags(['--epoch', '3'])).toThrow(/--epoch/);
  });

  it('documents every flag in --help', () => {
    const help = trainHelp();
    for (const name of Object.keys(TRAIN_FLAGS)) expect(help).toContain(`--${name}`);
  });
});
