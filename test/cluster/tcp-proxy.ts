/**
 * A loopback TCP proxy in front of the apiserver. TLS passes through untouched (the certificate is for
 * 127.0.0.1, whatever the port), so a client configured with the proxy's address is a normal client whose
 * connections a test can cut at will, as a load balancer or a flaky network would.
 */
import { createConnection, createServer, type Socket } from 'node:net';

/** A running proxy. */
export interface TcpProxy {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** Destroy every open connection (new ones are accepted again at once). */
  cut(): number;
  /** While refusing, new connections are closed as soon as they are accepted. */
  refuse(refusing: boolean): void;
  close(): Promise<void>;
}

/** Start a proxy to `target` (`https://host:port`). */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let refusing = false;
  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: hostname, port: Number(port) });
    open.add(client);
    open.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    cut() {
      const count = open.size / 2;
      for (const socket of open) socket.destroy();
      open.clear();
      return count;
    },
    refuse: (value) => void (refusing = value),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
