import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../core/logger.ts';
import { watchForecastModels } from './forecast-model-watch.ts';

const PATH = '/apis/forecasting.makeusrich.io/v1alpha1/namespaces/markets/forecastmodels';
const fm = (name: string, version: string) => ({
  apiVersion: 'forecasting.makeusrich.io/v1alpha1',
  kind: 'ForecastModel',
  metadata: { name, namespace: 'markets', resourceVersion: '1' },
  spec: { market: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' } },
  status: { conditions: [{ type: 'Ready', status: 'True' }], model: { version }, endpoint: `http://${name}-forecast.markets.svc` },
});

/** An API server answering the first list with 403 (RBAC not there yet), then a list and a watch it feeds by hand. */
describe('watchForecastModels against an API server on loopback', () => {
  const requests: string[] = [];
  const watches: ServerResponse[] = [];
  let server: Server;
  let kubeConfig: KubeConfig;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      requests.push(`${url.pathname}${url.searchParams.get('watch') ? ' watch' : ''}`);
      response.setHeader('Content-Type', 'application/json');
      if (url.pathname !== PATH) {
        response.statusCode = 404;
        return response.end('{}');
      }
      if (url.searchParams.get('watch')) {
        response.flushHeaders();
        watches.push(response);
        return undefined;
      }
      if (requests.length === 1) {
        response.statusCode = 403;
        return response.end(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403 }));
      }
      return response.end(JSON.stringify({ kind: 'ForecastModelList', metadata: { resourceVersion: '1' }, items: [fm('btc-usdt', 'run-1')] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromClusterAndUser({ name: 'local', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }, { name: 'dashboard' });
  });
  afterAll(async () => {
    for (const watch of watches) watch.end();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('lists again after a refusal, then follows the watch', async () => {
    const watch = watchForecastModels({ kubeConfig, namespaces: ['markets'], log: createLogger({ name: 'test', level: 'silent' }), retryDelayMs: 20 });
    try {
      await watch.start();
      expect(watch.models()).toEqual([]);
      await expect.poll(() => watch.models().map((m) => m.modelVersion)).toEqual(['run-1']);
      await expect.poll(() => watches.length).toBe(1);
      watches[0]!.write(`${JSON.stringify({ type: 'MODIFIED', object: { ...fm('btc-usdt', 'run-2'), metadata: { name: 'btc-usdt', namespace: 'markets', resourceVersion: '2' } } })}\n`);
      watches[0]!.write(`${JSON.stringify({ type: 'ADDED', object: { ...fm('eth-usdt', 'run-9'), metadata: { name: 'eth-usdt', namespace: 'markets', resourceVersion: '3' } } })}\n`);
      await expect.poll(() => watch.models().map((m) => `${m.name} ${m.modelVersion}`)).toEqual(['btc-usdt.markets run-2', 'eth-usdt.markets run-9']);
      expect(requests.slice(0, 3)).toEqual([PATH, PATH, `${PATH} watch`]);
    } finally {
      await watch.stop();
    }
  });
});
