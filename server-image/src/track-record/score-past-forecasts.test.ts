import { describe, expect, it } from 'vitest';
import { scorePastForecasts, type PastForecast } from './score-past-forecasts.ts';

// Candles one unit of time apart; closes 100, 102, 99, 101 at times 0–3, the candle at 4 has not closed.
const closes = new Map([
  [0, 100],
  [1, 102],
  [2, 99],
  [3, 101],
]);
const forecast = (originTime: number, median: number[], lower: number[], upper: number[]): PastForecast => ({
  originTime,
  anchorClose: closes.get(originTime)!,
  median: Float64Array.from(median),
  lower: Float64Array.from(lower),
  upper: Float64Array.from(upper),
});
const forecasts = [
  forecast(0, [101, 103], [99, 100], [103, 104]),
  forecast(1, [101, 100], [100, 98], [104, 102]),
  forecast(2, [100, 100], [98, 97], [100, 103]),
  forecast(3, [102, 102], [100, 100], [104, 104]),
];
const options = { stepMs: 1, horizon: 2, intervalLevel: 0.8, closeAt: (time: number) => closes.get(time) };

describe('scorePastForecasts', () => {
  it('scores step 1 on every forecast whose next close is known', () => {
    // Median errors 1, 2, 1; naive (the origin close) errors 2, 3, 2 → MASE 4/7. Intervals: 102 in [99, 103],
    // 99 below [100, 104] by 1, 101 above [98, 100] by 1 → coverage 1/3, Winkler (4 + (4 + 10) + (2 + 10)) / 3.
    const [step1] = scorePastForecasts(forecasts, options).steps;
    expect(step1).toMatchObject({ step: 1, samples: 3, directionalAccuracy: 1 });
    expect(step1!.mae).toBeCloseTo(4 / 3, 12);
    expect(step1!.mase).toBeCloseTo(4 / 7, 12);
    expect(step1!.coverage).toBeCloseTo(1 / 3, 12);
    expect(step1!.winkler).toBeCloseTo(10, 12);
  });

  it('scores step 2 only where the close two candles on is known', () => {
    // Median errors 4, 1; naive errors 1, 1 → MASE 2.5. 99 below [100, 104] by 1, 101 in [98, 102].
    const [, step2] = scorePastForecasts(forecasts, options).steps;
    expect(step2).toMatchObject({ step: 2, samples: 2, mae: 2.5, mase: 2.5, coverage: 0.5, directionalAccuracy: 0.5 });
    expect(step2!.winkler).toBeCloseTo(9, 12);
  });

  it('averages the steps over the forecasts complete at every step, like the backtest headline', () => {
    // On the first two forecasts: step 1 MASE 1.5 / 2.5 = 0.6, coverage 1/2, Winkler (4 + 14) / 2; step 2 as above.
    const { overall } = scorePastForecasts(forecasts, options);
    expect(overall).toMatchObject({ step: 'all', samples: 2, coverage: 0.5, mae: 2, directionalAccuracy: 0.75 });
    expect(overall.mase).toBeCloseTo((0.6 + 2.5) / 2, 12);
    expect(overall.winkler).toBeCloseTo(9, 12);
  });

  it('reports zero samples and no figures when nothing has an outcome yet', () => {
    const { steps, overall } = scorePastForecasts(forecasts.slice(3), options);
    const empty = { samples: 0, mase: null, mae: null, coverage: null, winkler: null, directionalAccuracy: null };
    expect(steps).toEqual([{ step: 1, ...empty }, { step: 2, ...empty }]);
    expect(overall).toEqual({ step: 'all', ...empty });
  });

  it('gives no MASE when the price never moved, and no interval figures without an interval', () => {
    const flat = new Map([
      [0, 100],
      [1, 100],
    ]);
    const pointOnly: PastForecast = { originTime: 0, anchorClose: 100, median: Float64Array.of(101), lower: undefined, upper: undefined };
    const { steps } = scorePastForecasts([pointOnly], { stepMs: 1, horizon: 1, intervalLevel: null, closeAt: (time) => flat.get(time) });
    expect(steps[0]).toEqual({ step: 1, samples: 1, mase: null, mae: 1, coverage: null, winkler: null, directionalAccuracy: 0 });
  });
});
