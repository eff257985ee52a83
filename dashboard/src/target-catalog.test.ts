import { describe, expect, it } from 'vitest';
import type { DiscoveredModel } from './discovery/forecast-model-target.ts';
import { createTargetCatalog } from './target-catalog.ts';

const BTC: DiscoveredModel = { name: 'btc.markets', namespace: 'markets', forecastModel: 'btc', url: 'http://btc-forecast.markets.svc', ready: true, modelVersion: 'btc-run-3', symbol: 'BTC/USDT' };
const ETH: DiscoveredModel = { name: 'eth.markets', namespace: 'markets', forecastModel: 'eth', url: undefined, ready: false, reason: 'no endpoint yet (status.endpoint is empty)' };

describe('createTargetCatalog', () => {
  it('lists configured targets by name, then discovered ones with readiness and version but never a URL', () => {
    let models = [BTC];
    const catalog = createTargetCatalog({ targets: [{ name: 'outside', url: 'https://forecasts.example.com/', token: 't' }], discovery: { models: () => models, token: 'cluster-token' } });
    expect(catalog.list()).toEqual([{ name: 'outside' }, { name: 'btc.markets', namespace: 'markets', forecastModel: 'btc', ready: true, modelVersion: 'btc-run-3', symbol: 'BTC/USDT' }]);
    models = [BTC, ETH];
    expect(catalog.list().map((t) => t.name)).toEqual(['outside', 'btc.markets', 'eth.markets']);
  });

  it('resolves a discovered target to its endpoint and the discovery token', () => {
    const catalog = createTargetCatalog({ targets: [], discovery: { models: () => [BTC, ETH], token: 'cluster-token' } });
    expect(catalog.resolve('btc.markets')).toEqual({ name: 'btc.markets', url: 'http://btc-forecast.markets.svc', token: 'cluster-token' });
    expect(() => catalog.resolve('eth.markets')).toThrow(expect.objectContaining({ status: 503, code: 'target_not_ready', message: 'target "eth.markets" has no endpoint yet: no endpoint yet (status.endpoint is empty)' }));
    expect(() => catalog.resolve('gone')).toThrow(expect.objectContaining({ status: 404, code: 'unknown_target', message: 'unknown target "gone" (known: btc.markets, eth.markets)' }));
  });

  it('keeps a configured target when a ForecastModel has the same name', () => {
    const catalog = createTargetCatalog({ targets: [{ name: 'btc.markets', url: 'http://elsewhere:8080', token: 't' }], discovery: { models: () => [BTC], token: 'cluster-token' } });
    expect(catalog.list()).toEqual([{ name: 'btc.markets' }]);
    expect(catalog.resolve('btc.markets').url).toBe('http://elsewhere:8080');
  });
});
