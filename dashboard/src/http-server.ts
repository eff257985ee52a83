import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Anything with a fetch handler (the dashboard's Hono app). */
export interface FetchApp {
  fetch(request: Request, ...rest: unknown[]): Response | Promise<Response>;
}

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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`,
    port,
    close(timeoutMs = 5_000) {
      return new Promise((resolve) => {
        const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        // Page loads are short: idle keep-alive connections need not wait for their timeout.
        server.closeIdleConnections();
      });
    },
  };
}
