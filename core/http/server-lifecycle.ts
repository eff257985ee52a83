import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Anything with a fetch handler (a Hono app). */
export interface FetchApp {
  fetch(request: Request, ...rest: unknown[]): Response | Promise<Response>;
}

/** How often idle keep-alive connections are closed while draining. */
const IDLE_SWEEP_MS = 50;

/** Start listening on `host:port` (0 picks a free port) and resolve with the port actually bound. */
export async function listenOn(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Stop accepting connections and wait for in-flight requests to finish, closing keep-alive connections
 * as they fall idle; after `timeoutMs` the remaining connections are cut. Resolves with whether any were.
 */
export function drainServer(server: Server, timeoutMs: number): Promise<{ forced: boolean }> {
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
}
