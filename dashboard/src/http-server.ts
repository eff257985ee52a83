import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import { drainServer, listenOn, type FetchApp } from '../../core/http/server-lifecycle.ts';

/** A listening dashboard. */
export interface RunningDashboard {
  /** `http://host:port/` of the page. */
  readonly url: string;
  readonly port: number;
  /** Stop accepting, let requests in flight finish, cut whatever is still open after `timeoutMs`. */
  close(timeoutMs?: number): Promise<void>;
}

/** Listen on `host:port` (0 picks a free port) with the Hono node adapter. */
export async function startDashboardServer(options: { readonly app: FetchApp; readonly host: string; readonly port: number }): Promise<RunningDashboard> {
  const server = createAdaptorServer({ fetch: options.app.fetch }) as Server;
  const port = await listenOn(server, options.port, options.host);
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`,
    port,
    async close(timeoutMs = 5_000) {
      await drainServer(server, timeoutMs);
    },
  };
}
