import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Anything with a fetch handler (a Hono app). */
export interface FetchApp {
  fetch(request: Request, ...rest: unknown[]): Response | Promise<Response>;
}

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  readonly app: FetchApp;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

/** A listening server that can be drained. */
export interface RunningHttpServer {
  readonly port: number;
  readonly server: Server;
  /**
   * Stop accepting connections and wait for in-flight requests to finish, closing keep-alive connections
   * as they fall idle; after `timeoutMs` the remaining connections are cut. Resolves with whether any were.
   */
  drain(timeoutMs: number): Promise<{ forced: boolean }>;
}

/** How often idle keep-alive connections are closed while draining. */
const IDLE_SWEEP_MS = 50;

/** Listen on `host:port` with the Hono node adapter. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const server = createAdaptorServer({ fetch: options.app.fetch }) as Server;
  // Keep-alive sockets from load balancers must outlive their idle timeout (typically 60 s) to avoid races.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    server,
    drain(timeoutMs) {
      return new Promise((resolve) => {
        let forced = false;
        // A connection whose request just finished becomes idle; close it instead of waiting for its timeout.
        const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
        const deadline = setTimeout(() => {
          forced = true;
          server.closeAllConnections();
        }, timeoutMs);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          resolve({ forced });
        });
        server.closeIdleConnections();
      });
    },
  };
}
