// The inference service as it runs in production, for tests that need a real socket: the app of
// server-harness.ts listening on loopback behind the fast path, and closed after each test.
import { afterEach } from 'vitest';
import { createRequestHandlers } from '../../server-image/src/app.ts';
import { startHttpServer, type RunningHttpServer } from '../../server-image/src/http-server.ts';
import { manualClock, startTestServing, type ManualClock, type TestServing, type TestServingOptions } from './server-harness.ts';

/** Options of {@link startListeningServer}: the app's, with the time its clock starts at instead of a clock. */
export interface ListeningServerOptions extends Omit<TestServingOptions, 'clock'> {
  /** Epoch ms the server's manual clock starts at. */
  readonly now: number;
}

/** A service listening on 127.0.0.1 with its fast path in front of the app. */
export interface ListeningServer {
  readonly serving: TestServing;
  readonly clock: ManualClock;
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Paths of the requests the Hono app received; those the fast path answers never reach it. */
  readonly appPaths: readonly string[];
  /** Drain the listener, then release what the app holds. */
  close(): Promise<void>;
}

/** Wire the app as {@link startTestServing} does and listen on a free loopback port, fast path first. */
export async function startListeningServer(options: ListeningServerOptions): Promise<ListeningServer> {
  const { now, ...servingOptions } = options;
  const clock = manualClock(now);
  const serving = await startTestServing({ ...servingOptions, clock });
  const { app, fastPath } = createRequestHandlers(serving.appDeps);
  const appPaths: string[] = [];
  const observedApp = {
    fetch(request: Request, ...rest: unknown[]) {
      appPaths.push(new URL(request.url).pathname);
      return app.fetch(request, ...(rest as []));
    },
  };
  let http: RunningHttpServer;
  try {
    http = await startHttpServer({ app: observedApp, fastPath, host: '127.0.0.1', port: 0 });
  } catch (error) {
    await serving.close();
    throw error;
  }
  return {
    serving,
    clock,
    port: http.port,
    url: `http://127.0.0.1:${http.port}`,
    appPaths,
    async close() {
      await http.drain(1_000);
      await serving.close();
    },
  };
}

/**
 * A starter of listening servers for the tests of one file, each closed after the test that started it.
 * Call it at the top of the file, where vitest registers hooks; `overrides` change the defaults for one server.
 */
export function useListeningServers(defaults: ListeningServerOptions): (overrides?: Partial<ListeningServerOptions>) => Promise<ListeningServer> {
  const open: ListeningServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return async function startServer(overrides = {}) {
    const server = await startListeningServer({ ...defaults, ...overrides });
    open.push(server);
    return server;
  };
}
