import { getRequestListener } from '@hono/node-server';
import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import { drainServer, listenOn, type FetchApp } from '../../core/http/server-lifecycle.ts';
import type { FastPath, NodeRequestListener } from './http/fast-path.ts';

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  readonly app: FetchApp;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Tried on every request before the app; what it declines goes to the app. */
  readonly fastPath?: FastPath;
}

/** A listening server that can be drained. */
export interface RunningHttpServer {
  readonly port: number;
  readonly server: Server;
  /**
   * Stop accepting connections and wait for in-flight requests to finish, closing keep-alive connections
   * as they fall idle; after `timeoutMs` the remaining connections are cut. Resolves with whether any were.
   * Every response written from then on says `Connection: close`.
   */
  drain(timeoutMs: number): Promise<{ forced: boolean }>;
}

/** Listen on `host:port` with the Hono node adapter, behind the fast path if there is one. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const honoListener = getRequestListener(options.app.fetch);
  const appListener: NodeRequestListener = (incoming, outgoing) => void honoListener(incoming, outgoing);
  const { fastPath } = options;
  const drain = { started: false };
  const server = createServer(
    // Node would otherwise keep the first of repeated Authorization headers; joined, they match no token
    // and admission refuses them (see admission/admission.ts).
    { joinDuplicateHeaders: true, ServerResponse: drainAwareResponse(drain) },
    fastPath === undefined
      ? appListener
      : (incoming, outgoing) => {
          if (!fastPath(incoming, outgoing)) appListener(incoming, outgoing);
        },
  );
  // Keep-alive sockets from load balancers must outlive their idle timeout (typically 60 s) to avoid races.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const port = await listenOn(server, options.port, options.host);

  return {
    port,
    server,
    drain(timeoutMs) {
      drain.started = true;
      return drainServer(server, timeoutMs);
    },
  };
}

/**
 * Responses that say `Connection: close` once the drain has started, including those of requests already
 * in flight then. A response saying `keep-alive` invites the client to send its next request on a
 * connection the drain is about to close, and that request is reset instead of retried elsewhere.
 * Checked where headers are written (the app and the fast paths alike), so it costs one boolean a response.
 */
function drainAwareResponse(drain: { readonly started: boolean }): typeof ServerResponse<IncomingMessage> {
  return class DrainAwareResponse extends ServerResponse<IncomingMessage> {
    override writeHead(...args: unknown[]): this {
      if (drain.started && !this.headersSent) this.setHeader('Connection', 'close');
      return Reflect.apply(ServerResponse.prototype.writeHead, this, args) as this;
    }
  };
}
