/** The small ForecastModel the operator's cluster tests apply: hourly BTC/USDT and a tiny model. */
import type { KubeObject } from './cluster-harness.ts';

/** A ForecastModel `name` in `namespace`; `spec` replaces whole top-level spec fields (market, model, training …). */
export function testForecastModel(namespace: string, name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'forecasting.makeusrich.io/v1alpha1',
    kind: 'ForecastModel',
    metadata: { name, namespace },
    spec: { market: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 400 }, model: { window: 12, horizon: 3, units: 8, epochs: 2 }, ...spec },
  } as KubeObject;
}
