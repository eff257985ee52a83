/**
 * Stands in for the kubelet and the Job controller: for every new Job it creates the Pod, runs the trainer
 * (the real `node bin/mur.ts train` entrypoint, or a test-provided runner), then writes the Pod's container
 * termination state (with the termination message) and the Job's status.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeKubeApiServer, KubeObject } from '../fake-kube/index.ts';
import { containerEnvironment, podSuffix, startNodeProcess, type PodTemplate } from './simulated-pod.ts';

/** How a simulated trainer container ended. */
export interface TrainerExit {
  readonly exitCode: number;
  /** What the container wrote to its termination-message file. */
  readonly terminationMessage: string;
}

/** Runs one trainer container given the Job and its environment. */
export type TrainerRunner = (job: KubeObject, env: Record<string, string>, signal: AbortSignal) => Promise<TrainerExit>;

/** Options of startJobSimulator. */
export interface JobSimulatorOptions {
  readonly server: FakeKubeApiServer;
  readonly runTrainer: TrainerRunner;
  /** How often the store is scanned for new Jobs. */
  readonly pollMs?: number;
}

/** A running Job simulator. */
export interface JobSimulator {
  /** Names (`namespace/name`) of the Jobs whose trainer was started, in order. */
  readonly started: string[];
  /** Trainers still running. */
  running(): number;
  stop(): Promise<void>;
}

const JOB = { apiVersion: 'batch/v1', kind: 'Job' } as const;

/** The real trainer entrypoint, in a child process with the container's environment plus `extraEnv` (e.g. the exchange mirror). */
export function trainerProcessRunner(extraEnv: Record<string, string> = {}): TrainerRunner {
  return async (_job, env, signal) => {
    const directory = await mkdtemp(join(tmpdir(), 'mur-trainer-pod-'));
    const terminationFile = join(directory, 'termination-log');
    try {
      const { child, output } = startNodeProcess('bin/mur.ts', ['train'], { ...env, ...extraEnv, MUR_TERMINATION_MESSAGE_PATH: terminationFile });
      const onAbort = () => child.kill('SIGKILL');
      signal.addEventListener('abort', onAbort);
      const exitCode = await new Promise<number>((resolve) => child.on('exit', (code, sig) => resolve(code ?? (sig ? 137 : 1))));
      signal.removeEventListener('abort', onAbort);
      const message = await readFile(terminationFile, 'utf8').catch(() => '');
      // FallbackToLogsOnError: a failed container without a message gets the tail of its log.
      const fallback = exitCode !== 0 && !message ? output().split('\n').slice(-20).join('\n') : message;
      return { exitCode, terminationMessage: fallback.slice(0, 4096) };
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  };
}

function terminalCondition(job: KubeObject): boolean {
  const conditions = ((job as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? []);
  return conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** Start simulating Jobs on the fake API server. */
export function startJobSimulator(options: JobSimulatorOptions): JobSimulator {
  const { store } = options.server;
  const handled = new Set<string>();
  const aborts = new Map<string, AbortController>();
  const started: string[] = [];
  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

  async function simulate(job: KubeObject): Promise<void> {
    const namespace = job.metadata.namespace ?? 'default';
    const jobName = job.metadata.name!;
    const template = (job as { spec?: { template?: PodTemplate } }).spec?.template ?? {};
    const container = template.spec?.containers[0];
    if (!container) return;
    const abort = new AbortController();
    aborts.set(job.metadata.uid!, abort);
    const podName = `${jobName}-${podSuffix()}`;
    const startTime = now();
    const podBase: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: podName,
        namespace,
        labels: { ...(template.metadata?.labels ?? {}), 'job-name': jobName, 'batch.kubernetes.io/job-name': jobName, 'controller-uid': job.metadata.uid! },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid: job.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      spec: template.spec,
    };
    store.put({ ...podBase, status: { phase: 'Running', startTime, containerStatuses: [{ name: container.name, ready: true, restartCount: 0, state: { running: { startedAt: startTime } } }] } });
    patchJobStatus(namespace, jobName, { active: 1, ready: 1, startTime });
    started.push(`${namespace}/${jobName}`);

    let exit: TrainerExit;
    try {
      const env = containerEnvironment(store, namespace, container);
      exit = await options.runTrainer(job, env, abort.signal);
    } catch (error) {
      exit = { exitCode: 1, terminationMessage: (error as Error).message };
    }
    aborts.delete(job.metadata.uid!);
    if (abort.signal.aborted || !store.get({ ...JOB, namespace, name: jobName })) return;
    const finishedAt = now();
    const ok = exit.exitCode === 0;
    store.put({
      ...podBase,
      status: {
        phase: ok ? 'Succeeded' : 'Failed',
        startTime,
        containerStatuses: [
          { name: container.name, ready: false, restartCount: 0, state: { terminated: { exitCode: exit.exitCode, reason: ok ? 'Completed' : 'Error', message: exit.terminationMessage, startedAt: startTime, finishedAt } } },
        ],
      },
    });
    const condition = (type: string, reason: string, message: string) => ({ type, status: 'True', reason, message, lastProbeTime: finishedAt, lastTransitionTime: finishedAt });
    patchJobStatus(
      namespace,
      jobName,
      ok
        ? { startTime, completionTime: finishedAt, succeeded: 1, active: 0, ready: 0, conditions: [condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'), condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods')] }
        : { startTime, failed: 1, active: 0, ready: 0, conditions: [condition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'), condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')] },
    );
  }

  function patchJobStatus(namespace: string, name: string, status: Record<string, unknown>): void {
    const current = store.get({ ...JOB, namespace, name });
    if (current) store.put({ ...current, status });
  }

  function scan(): void {
    const jobs = store.list({ ...JOB });
    const alive = new Set(jobs.map((j) => j.metadata.uid!));
    for (const [uid, abort] of aborts) if (!alive.has(uid)) abort.abort();
    for (const job of jobs) {
      const uid = job.metadata.uid!;
      if (handled.has(uid) || terminalCondition(job)) continue;
      handled.add(uid);
      void simulate(job);
    }
  }

  const timer = setInterval(scan, options.pollMs ?? 50);
  return {
    started,
    running: () => aborts.size,
    async stop() {
      clearInterval(timer);
      for (const abort of aborts.values()) abort.abort();
    },
  };
}
