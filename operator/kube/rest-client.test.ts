import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeRest } from './rest-client.ts';

describe('createKubeRest: the write guard', () => {
  const received: string[] = [];
  let server: Server;
  let config: KubeConfig;

  beforeAll(async () => {
    server = createServer((request, response) => {
      received.push(`${request.method} ${request.url}`);
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ metadata: { name: 'x' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    config = new KubeConfig();
    config.loadFromClusterAndUser({ name: 'local', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }, { name: 'nobody' });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('asks before every write and sends nothing it refuses; reads are not guarded', async () => {
    const asked: string[] = [];
    const rest = createKubeRest(config, undefined, (method, path) => {
      asked.push(`${method} ${path}`);
      throw new Error('not the leader');
    });
    await expect(rest.create('/api/v1/namespaces/m/events', {})).rejects.toThrow('not the leader');
    await expect(rest.replace('/apis/apps/v1/namespaces/m/deployments/d', {})).rejects.toThrow('not the leader');
    await expect(rest.patch('/api/v1/namespaces/m/services/s', {}, 'merge')).rejects.toThrow('not the leader');
    await expect(rest.delete('/api/v1/namespaces/m/services/s')).rejects.toThrow('not the leader');
    expect(asked).toEqual(['POST /api/v1/namespaces/m/events', 'PUT /apis/apps/v1/namespaces/m/deployments/d', 'PATCH /api/v1/namespaces/m/services/s', 'DELETE /api/v1/namespaces/m/services/s']);
    expect(received).toEqual([]);
    await expect(rest.get('/api/v1/namespaces/m/services/s')).resolves.toMatchObject({ metadata: { name: 'x' } });
    expect(received).toEqual(['GET /api/v1/namespaces/m/services/s']);
  });
});
