import { describe, expect, it } from 'vitest';
import { describeForecastModel } from './forecast-model-target.ts';

const READY = { type: 'Ready', status: 'True', reason: 'Serving', message: 'serving btc-run-2' };

function forecastModel(status?: unknown): unknown {
  return {
    apiVersion: 'forecasting.makeusrich.io/v1alpha1',
    kind: 'ForecastModel',
    metadata: { name: 'btc-usdt', namespace: 'markets' },
    spec: { market: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' } },
    ...(status === undefined ? {} : { status }),
  };
}

describe('describeForecastModel', () => {
  it('takes the endpoint, readiness and served model version from status', () => {
    expect(describeForecastModel(forecastModel({ conditions: [READY], model: { version: 'btc-run-2' }, endpoint: 'http://btc-usdt-forecast.markets.svc.cluster.local/' }))).toEqual({
      name: 'btc-usdt.markets',
      namespace: 'markets',
      forecastModel: 'btc-usdt',
      url: 'http://btc-usdt-forecast.markets.svc.cluster.local',
      ready: true,
      modelVersion: 'btc-run-2',
      symbol: 'BTC/USDT',
      exchange: 'binance',
      timeframe: '1h',
    });
  });

  it('shows a ForecastModel without status.endpoint as not ready, even when its Ready condition is True', () => {
    const described = describeForecastModel(forecastModel({ conditions: [READY], model: { version: 'btc-run-2' } }));
    expect(described).toMatchObject({ ready: false, url: undefined, modelVersion: 'btc-run-2', reason: 'no endpoint yet (status.endpoint is empty)' });
    expect(describeForecastModel(forecastModel({ conditions: [READY], endpoint: 'btc-usdt-forecast:80' }))).toMatchObject({ ready: false, reason: 'status.endpoint "btc-usdt-forecast:80" is not an http(s) URL' });
  });

  it('shows a ForecastModel the operator has not reached as not ready, with no version', () => {
    const described = describeForecastModel(forecastModel());
    expect(described).toMatchObject({ name: 'btc-usdt.markets', ready: false, reason: 'no endpoint yet (status.endpoint is empty)' });
    expect(described).not.toHaveProperty('modelVersion');
  });

  it('gives the Ready condition\'s reason and message when it is not True', () => {
    const status = { conditions: [{ type: 'Trained', status: 'True' }, { type: 'Ready', status: 'False', reason: 'RolloutInProgress', message: 'waiting for 1 pod' }], endpoint: 'http://x.markets.svc' };
    expect(describeForecastModel(forecastModel(status))).toMatchObject({ ready: false, url: 'http://x.markets.svc', reason: 'RolloutInProgress: waiting for 1 pod' });
    expect(describeForecastModel(forecastModel({ endpoint: 'http://x.markets.svc' }))).toMatchObject({ ready: false, reason: 'no Ready condition yet' });
  });

  it('ignores what is not a named, namespaced object and malformed fields', () => {
    expect(describeForecastModel(null)).toBeUndefined();
    expect(describeForecastModel({ metadata: { name: 'x' } })).toBeUndefined();
    expect(describeForecastModel({ metadata: { name: 'x', namespace: 'y' }, spec: 'odd', status: { conditions: 'odd', model: 3 } })).toEqual({
      name: 'x.y',
      namespace: 'y',
      forecastModel: 'x',
      url: undefined,
      ready: false,
      reason: 'no endpoint yet (status.endpoint is empty)',
    });
  });
});
