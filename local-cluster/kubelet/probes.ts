/** Startup, readiness and liveness probes against a container's host ports, with the kubelet's thresholds. */
import type { V1Probe } from '@kubernetes/client-node';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { sleep } from './timing.ts';

/** Maps a probe's port (number or container port name) to the host port to call. */
export type HostPortResolver = (port: number | string) => number | undefined;

function httpCheck(probe: V1Probe, hostPort: number, timeoutMs: number): Promise<boolean> {
  const get = probe.httpGet!;
  const send = get.scheme === 'HTTPS' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const headers = Object.fromEntries((get.httpHeaders ?? []).map((header) => [header.name, header.value]));
    const req = send({ host: '127.0.0.1', port: hostPort, path: get.path ?? '/', headers, timeout: timeoutMs, agent: false, rejectUnauthorized: false }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status >= 200 && status < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function tcpCheck(hostPort: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: hostPort, timeout: timeoutMs });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => finish(true));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
  });
}

/**
 * One probe attempt. httpGet (2xx/3xx) and tcpSocket are checked; exec and grpc probes count as passing, since
 * a process container has nothing to exec into.
 */
export function checkProbe(probe: V1Probe, hostPortOf: HostPortResolver): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
  if (port === undefined) return Promise.resolve(true);
  const hostPort = hostPortOf(port);
  if (hostPort === undefined) return Promise.resolve(false);
  return probe.httpGet ? httpCheck(probe, hostPort, timeoutMs) : tcpCheck(hostPort, timeoutMs);
}

/** Options of runProbe. */
export interface ProbeRunOptions {
  readonly probe: V1Probe;
  readonly check: () => Promise<boolean>;
  /** Ends the loop (the container exited, or the probe's job is done). */
  readonly signal: AbortSignal;
  /** Told each time the thresholded result changes; returning 'stop' ends the loop. */
  readonly onResult: (passing: boolean) => 'stop' | void;
}

/**
 * Probe every periodSeconds after initialDelaySeconds; the result turns passing after successThreshold
 * consecutive successes and failing after failureThreshold consecutive failures.
 */
export async function runProbe(options: ProbeRunOptions): Promise<void> {
  const { probe, signal } = options;
  const successThreshold = probe.successThreshold ?? 1;
  const failureThreshold = probe.failureThreshold ?? 3;
  let successes = 0;
  let failures = 0;
  let result: boolean | undefined;
  await sleep((probe.initialDelaySeconds ?? 0) * 1000, signal);
  while (!signal.aborted) {
    const passed = await options.check();
    if (signal.aborted) return;
    successes = passed ? successes + 1 : 0;
    failures = passed ? 0 : failures + 1;
    const next = successes >= successThreshold ? true : failures >= failureThreshold ? false : result;
    if (next !== undefined && next !== result) {
      result = next;
      if (options.onResult(next) === 'stop') return;
    }
    await sleep((probe.periodSeconds ?? 10) * 1000, signal);
  }
}
