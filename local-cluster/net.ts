/** Loopback helpers of the local cluster: free ports and waiting for an HTTPS endpoint. */
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (free when asked; the caller binds it soon after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

/** Options of waitForHttps. */
export interface WaitForHttpsOptions {
  readonly token: string;
  /** The CA bundle; read once it exists (the server writes it on start). */
  readonly caPath: string;
  readonly timeoutMs: number;
  /** False once the server process has exited: stop waiting at once. */
  readonly alive: () => boolean;
  readonly logs: () => string[];
}

function getStatus(url: string, token: string, ca: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { ca, headers: { Authorization: `Bearer ${token}` }, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Poll `url` until it answers 200; fails with the server's last log lines when it exits or the time is up. */
export async function waitForHttps(url: string, options: WaitForHttpsOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (!options.alive()) throw new Error(`${url}: the server exited while starting:\n${options.logs().slice(-20).join('\n')}`);
    if (existsSync(options.caPath) && (await getStatus(url, options.token, readFileSync(options.caPath, 'utf8'))) === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${options.timeoutMs} ms:\n${options.logs().slice(-20).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
