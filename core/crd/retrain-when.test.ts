import { describe, expect, it } from 'vitest';
import { resolveForecastModelSpec } from './resolve.ts';
import { parseDurationMs, parseRetrainWhen } from './retrain-when.ts';

const market = { exchange: 'binance', symbol: 'BTC/USDT' };

describe('parseDurationMs', () => {
  it.each([
    ['24h', 86_400_000],
    ['90m', 5_400_000],
    ['1h30m', 5_400_000],
    ['0.5h', 1_800_000],
    ['45s', 45_000],
  ])('reads %s', (text, ms) => {
    expect(parseDurationMs(text, 'cooldown')).toBe(ms);
  });

  it.each(['1d', '24', 'h', '-1h', '1h 30m', ''])('refuses %j, naming the field', (text) => {
    expect(() => parseDurationMs(text, 'spec.training.retrainWhen.cooldown')).toThrow(/^spec\.training\.retrainWhen\.cooldown: .* is not a duration such as 24h, 90m or 1h30m$/);
  });
});

describe('spec.training.retrainWhen', () => {
  it('defaults minSamples and cooldown, and keeps the bounds given', () => {
    const spec = resolveForecastModelSpec({ market, training: { retrainWhen: { coverageBelow: 0.7 } } });
    expect(spec.training.retrainWhen).toEqual({ coverageBelow: 0.7, minSamples: 100, cooldown: '24h' });
    expect(parseRetrainWhen(spec.training.retrainWhen!)).toEqual({ coverageBelow: 0.7, minSamples: 100, cooldownMs: 86_400_000 });
  });

  it('is absent unless written', () => {
    expect(resolveForecastModelSpec({ market }).training.retrainWhen).toBeUndefined();
  });

  it.each([
    [{ coverageBelow: 1 }, 'spec.training.retrainWhen.coverageBelow'],
    [{ coverageBelow: 0 }, 'spec.training.retrainWhen.coverageBelow'],
    [{ maseAbove: -1 }, 'spec.training.retrainWhen.maseAbove'],
    [{ maseAbove: 1.2, minSamples: 0 }, 'spec.training.retrainWhen.minSamples'],
    [{ maseAbove: 1.2, cooldown: '1d' }, 'spec.training.retrainWhen.cooldown'],
    [{ maseAbove: 1.2, everySoOften: true }, 'spec.training.retrainWhen.everySoOften'],
  ])('refuses %j, naming %s', (retrainWhen, field) => {
    expect(() => resolveForecastModelSpec({ market, training: { retrainWhen } })).toThrow(field);
  });

  it('needs a bound and a cooldown of at least a minute, as the API server\'s rules say', () => {
    expect(() => parseRetrainWhen({ minSamples: 10, cooldown: '1h' })).toThrow('spec.training.retrainWhen: retrainWhen needs coverageBelow, maseAbove or both');
    expect(() => parseRetrainWhen({ maseAbove: 1.2, minSamples: 10, cooldown: '59s' })).toThrow('spec.training.retrainWhen.cooldown: must be at least 1m');
    expect(parseRetrainWhen({ maseAbove: 1.2, minSamples: 10, cooldown: '60s' }).cooldownMs).toBe(60_000);
  });
});
