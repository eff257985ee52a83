/**
 * A real Kubernetes control plane on 127.0.0.1, as envtest starts one and a step further: etcd,
 * kube-apiserver (RBAC and Node authorization, PodSecurity and NodeRestriction admission, service-account
 * tokens, an audit log of the operator's requests), kube-controller-manager (garbage collector, Job,
 * Deployment, ReplicaSet, namespace controllers…) and kube-scheduler, with random ports and generated keys.
 * Identities are static bearer tokens (admin, controller manager, scheduler, one per process kubelet).
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateControlPlane, type ControlPlaneBinary } from './binaries.ts';
import { startComponent, type ComponentFailure, type ComponentProcess } from './component-process.ts';
import { freePort, waitForHttps } from './net.ts';

/** A user the static token file knows. */
export interface StaticIdentity {
  readonly user: string;
  readonly groups: readonly string[];
  readonly token: string;
}

/** What a client needs to reach the control plane (serialisable: handed from vitest's global setup to tests). */
export interface ControlPlaneConnection {
  /** https://127.0.0.1:<port> */
  readonly server: string;
  readonly caPem: string;
  readonly adminToken: string;
  /** Tokens of `system:node:<name>` for the process kubelets, by node name. */
  readonly nodeTokens: Record<string, string>;
  /** Kubeconfig of the admin (system:masters). */
  readonly adminKubeconfigPath: string;
  /** The control plane's folder: logs, keys, audit log. */
  readonly dir: string;
  /** The JSON audit log of the requests made by service accounts in `auditNamespaces` (extra apiservers write `audit-<port>.log` beside it). */
  readonly auditLogPath: string;
  /** Written when a component dies unexpectedly (see readControlPlaneFailure). */
  readonly failureFile: string;
  readonly kubectl: string;
  readonly kubernetesVersion: string;
}

/** An additional kube-apiserver instance (its own port and serving certificate). */
export interface ExtraApiServer {
  readonly server: string;
  readonly caPem: string;
  /** Stop and start it on the same port, as a rolling control plane upgrade does. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of startControlPlane. */
export interface ControlPlaneOptions {
  /** Names of the process kubelets' nodes to issue tokens for. */
  readonly nodes?: readonly string[];
  /** Service accounts of these namespaces have their requests written to the audit log. */
  readonly auditNamespaces?: readonly string[];
  /** Extra kube-apiserver flags. */
  readonly apiServerArgs?: readonly string[];
  /** Told when a component exits unexpectedly (besides the failure file). */
  readonly onFailure?: (failure: ComponentFailure) => void;
}

/** A running control plane. */
export interface ControlPlane extends ControlPlaneConnection {
  /** A kubeconfig (YAML) for a bearer token, optionally through another server address (a proxy). */
  kubeconfig(token: string, server?: string): string;
  /** Stop and start kube-apiserver on the same port and storage, as a control plane upgrade does. */
  restartApiServer(): Promise<void>;
  /**
   * One more kube-apiserver on the same etcd (as in a highly available control plane), for a test that restarts
   * or breaks its apiserver without disturbing the tests running beside it.
   */
  startExtraApiServer(): Promise<ExtraApiServer>;
  /** Recent output of a component. */
  logs(component: 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler'): string[];
  /** CPU seconds (user + system) the control plane processes have used so far. */
  cpuSeconds(): Record<string, number>;
  stop(): Promise<void>;
}

/** A kubeconfig for one bearer token. */
export function tokenKubeconfig(server: string, caPem: string, token: string, user = 'user'): string {
  const ca = Buffer.from(caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: mur-test`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: mur-test',
    '  context:',
    '    cluster: mur-test',
    `    user: ${user}`,
    'current-context: mur-test',
    '',
  ].join('\n');
}

/** The failure a component reported into `failureFile`, if any. */
export function readControlPlaneFailure(failureFile: string): string | undefined {
  try {
    return readFileSync(failureFile, 'utf8');
  } catch {
    return undefined;
  }
}

function auditPolicy(namespaces: readonly string[]): string {
  const users = namespaces.map((ns) => `system:serviceaccounts:${ns}`);
  // Metadata level: who did what to which resource and how it ended, without bodies. Everything else: nothing.
  return JSON.stringify({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [...(users.length > 0 ? [{ level: 'Metadata', userGroups: users }] : []), { level: 'None' }],
  });
}

function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat (here indexes 11 and 12), in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Start etcd, kube-apiserver, kube-controller-manager and kube-scheduler; resolves once the API is ready. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const bin = locateControlPlane();
  // etcd's data on tmpfs when there is one: fsync-bound writes dominate the control plane's latency otherwise.
  const base = process.platform === 'linux' ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'mur-cluster-'));
  writeFileSync(join(dir, 'pids'), '');
  const reaper = spawn(process.execPath, [join(import.meta.dirname, 'reaper.ts'), String(process.pid), dir], { detached: true, stdio: 'ignore' });
  reaper.unref();
  const failureFile = join(dir, 'FAILED');
  const components = new Map<string, ComponentProcess>();
  const onUnexpectedExit = (failure: ComponentFailure) => {
    writeFileSync(failureFile, `${failure.component} exited (${failure.exit}); its last lines:\n${failure.lastLines.join('\n')}\n`, { flag: 'a' });
    options.onFailure?.(failure);
  };
  const start = (name: string, args: string[], binary: ControlPlaneBinary = name as ControlPlaneBinary) => {
    const component = startComponent({ name, binary: bin[binary], args, dir, onUnexpectedExit });
    components.set(name, component);
    return component;
  };

  try {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    writeFileSync(join(dir, 'sa.pub'), publicKey);
    writeFileSync(join(dir, 'sa.key'), privateKey, { mode: 0o600 });
    const token = () => randomBytes(24).toString('hex');
    const admin: StaticIdentity = { user: 'mur-admin', groups: ['system:masters'], token: token() };
    const controllerManager: StaticIdentity = { user: 'system:kube-controller-manager', groups: [], token: token() };
    const scheduler: StaticIdentity = { user: 'system:kube-scheduler', groups: [], token: token() };
    const nodes = (options.nodes ?? []).map((name): StaticIdentity => ({ user: `system:node:${name}`, groups: ['system:nodes'], token: token() }));
    const identities = [admin, controllerManager, scheduler, ...nodes];
    writeFileSync(join(dir, 'tokens.csv'), identities.map((id, i) => `${id.token},${id.user},uid-${i},"${id.groups.join(',')}"`).join('\n') + '\n', { mode: 0o600 });
    writeFileSync(join(dir, 'audit-policy.json'), auditPolicy(options.auditNamespaces ?? []));

    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    start('etcd', [
      '--name=mur',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=mur=http://127.0.0.1:${etcdPeer}`,
      // A throwaway store: losing it on a power cut costs nothing, waiting for fsync costs every write.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);

    const server = `https://127.0.0.1:${apiPort}`;
    const auditLogPath = join(dir, 'audit.log');
    /** kube-apiserver's flags for one instance; every instance shares etcd, keys, tokens and admission. */
    const apiServerArgs = (port: number, certDir: string, auditLog: string) => [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      `--cert-dir=${certDir}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${port}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=Node,RBAC',
      // PodSecurity is on by default; NodeRestriction keeps each kubelet to its own Node and Pods;
      // PodNodeSelector lets a namespace pin its Pods to one test's process kubelet; OwnerReferencesPermission-
      // Enforcement (on in strict clusters) checks the operator may set blockOwnerDeletion on what it owns.
      '--enable-admission-plugins=NodeRestriction,PodNodeSelector,OwnerReferencesPermissionEnforcement',
      `--audit-policy-file=${join(dir, 'audit-policy.json')}`,
      `--audit-log-path=${auditLog}`,
      '--audit-log-format=json',
      '--audit-log-maxsize=0',
      '--profiling=false',
      // The 'kubernetes' Service's endpoints would be 127.0.0.1, which the apiserver refuses to publish; nothing
      // in-cluster dials it (pods get KUBERNETES_SERVICE_HOST=127.0.0.1 from the process kubelet).
      '--endpoint-reconciler-type=none',
      ...(options.apiServerArgs ?? []),
    ];
    /** Start one kube-apiserver instance named `name`; resolves once it answers /readyz. */
    const startApiServer = async (name: string, port: number, certDir: string, auditLog: string) => {
      mkdirSync(certDir, { recursive: true });
      start(name as ControlPlaneBinary, apiServerArgs(port, certDir, auditLog), 'kube-apiserver');
      // The server writes its self-signed certificate (with its CA in the same file) before serving.
      await waitForHttps(`https://127.0.0.1:${port}/readyz`, { token: admin.token, caPath: join(certDir, 'apiserver.crt'), timeoutMs: 90_000, alive: () => components.get(name)!.running(), logs: () => components.get(name)!.lastLines() });
    };
    const certDir = join(dir, 'pki');
    const caPath = join(certDir, 'apiserver.crt');
    await startApiServer('kube-apiserver', apiPort, certDir, auditLogPath);
    const caPem = readFileSync(caPath, 'utf8');
    const writeKubeconfig = (name: string, identity: StaticIdentity) => {
      const path = join(dir, `${name}.kubeconfig`);
      writeFileSync(path, tokenKubeconfig(server, caPem, identity.token, identity.user), { mode: 0o600 });
      return path;
    };
    const adminKubeconfigPath = writeKubeconfig('admin', admin);
    const controllerManagerKubeconfig = writeKubeconfig('kube-controller-manager', controllerManager);
    const schedulerKubeconfig = writeKubeconfig('kube-scheduler', scheduler);

    start('kube-controller-manager', [
      `--kubeconfig=${controllerManagerKubeconfig}`,
      `--authentication-kubeconfig=${controllerManagerKubeconfig}`,
      `--authorization-kubeconfig=${controllerManagerKubeconfig}`,
      `--service-account-private-key-file=${join(dir, 'sa.key')}`,
      `--root-ca-file=${caPath}`,
      '--use-service-account-credentials=true',
      '--leader-elect=false',
      '--secure-port=0',
      // Pods share 127.0.0.1, which Endpoints and EndpointSlices refuse: those controllers would only retry and
      // log. The process kubelet routes each Service to its Pods itself.
      '--controllers=*,-endpoint,-endpointslice,-endpointslicemirroring',
      // Tests create and delete many namespaces and objects: the defaults (5, 20…) make clean-up the slow part.
      '--concurrent-gc-syncs=40',
      '--concurrent-namespace-syncs=20',
      '--concurrent-deployment-syncs=20',
      '--concurrent-replicaset-syncs=20',
      '--concurrent-job-syncs=20',
      '--kube-api-qps=200',
      '--kube-api-burst=400',
    ]);
    start('kube-scheduler', [
      `--kubeconfig=${schedulerKubeconfig}`,
      `--authentication-kubeconfig=${schedulerKubeconfig}`,
      `--authorization-kubeconfig=${schedulerKubeconfig}`,
      '--leader-elect=false',
      '--secure-port=0',
      '--kube-api-qps=200',
      '--kube-api-burst=400',
    ]);

    const versionFile = JSON.parse(readFileSync(join(bin.kubectl, '..', 'VERSIONS.json'), 'utf8')) as { kubernetes: string };
    const plane: ControlPlane = {
      server,
      caPem,
      adminToken: admin.token,
      nodeTokens: Object.fromEntries((options.nodes ?? []).map((name, i) => [name, nodes[i]!.token])),
      adminKubeconfigPath,
      dir,
      auditLogPath,
      failureFile,
      kubectl: bin.kubectl,
      kubernetesVersion: versionFile.kubernetes,
      kubeconfig: (token, through = server) => tokenKubeconfig(through, caPem, token),
      async restartApiServer() {
        await components.get('kube-apiserver')!.stop();
        await startApiServer('kube-apiserver', apiPort, certDir, auditLogPath);
      },
      async startExtraApiServer() {
        const port = await freePort();
        const name = `kube-apiserver-${port}`;
        const extraCertDir = join(dir, `pki-${port}`);
        const audit = join(dir, `audit-${port}.log`);
        await startApiServer(name, port, extraCertDir, audit);
        return {
          server: `https://127.0.0.1:${port}`,
          caPem: readFileSync(join(extraCertDir, 'apiserver.crt'), 'utf8'),
          async restart() {
            await components.get(name)!.stop();
            await startApiServer(name, port, extraCertDir, audit);
          },
          async stop() {
            await components.get(name)?.stop();
            components.delete(name);
          },
        };
      },
      logs: (name) => components.get(name)?.lastLines() ?? [],
      cpuSeconds: () => Object.fromEntries([...components].map(([name, c]) => [name, processCpuSeconds(c.pid)])),
      async stop() {
        // Clients first, storage last, so no component logs a storm of errors while the others go.
        const apiServers = [...components.keys()].filter((name) => name.startsWith('kube-apiserver'));
        for (const name of ['kube-scheduler', 'kube-controller-manager', ...apiServers, 'etcd']) await components.get(name)?.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return plane;
  } catch (error) {
    for (const component of [...components.values()].reverse()) await component.stop(1_000);
    const logs = [...components.values()].map((c) => `--- ${c.name}\n${c.lastLines().slice(-20).join('\n')}`).join('\n');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`the control plane did not start: ${(error as Error).message}\n${logs}`, { cause: error });
  }
}
