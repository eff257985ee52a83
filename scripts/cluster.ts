/**
 * `npm run cluster`: a local Kubernetes cluster without Docker, for trying the operator as a platform engineer
 * would. Starts on loopback etcd, kube-apiserver, kube-controller-manager and kube-scheduler (built by
 * `npm run cluster:build`), a process kubelet that runs each Pod's container as a local process of our real
 * entrypoint (trainer image → `mur train`, server image → the inference server, operator image → the
 * operator), a local S3 (s3rver) with the bucket `mur-models`, and an offline exchange mirror replaying
 * recorded candles. Prints `export KUBECONFIG=…` and the commands to follow; Ctrl-C stops everything.
 *
 *   npm run cluster                         # replay ../shared/data's candles as binance BTC/USDT
 *   npm run cluster -- --data FILE          # your own candles (Binance kline dump or OHLCV CSV)
 *   npm run cluster -- --gpus 1             # the node advertises one nvidia.com/gpu (the GPU example schedules)
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { adminRest } from '../local-cluster/bootstrap.ts';
import { startControlPlane } from '../local-cluster/control-plane.ts';
import { processRuntime } from '../local-cluster/kubelet/process-runtime.ts';
import { startProcessKubelet } from '../local-cluster/kubelet/process-kubelet.ts';
import { locateHelm } from '../local-cluster/helm.ts';
import { startS3Server } from '../local-cluster/s3-server.ts';
import { startReplayedMarket, type ReplayedMarket } from './replayed-market.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SHARED_DATA = path.resolve(ROOT, '../shared/data/ETHUSDT-1h-binance-2020-01-01_2022-04-11.csv');
const NODE = 'mur-local-node';
const USAGE = 'Usage: npm run cluster -- [--data FILE] [--symbol BTC/USDT] [--timeframe 1h] [--gpus N]\n';

let values;
try {
  ({ values } = parseArgs({
    options: {
      data: { type: 'string' },
      symbol: { type: 'string', default: 'BTC/USDT' },
      timeframe: { type: 'string', default: '1h' },
      gpus: { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const gpus = Number(values.gpus);
if (!Number.isInteger(gpus) || gpus < 0) {
  process.stderr.write(`--gpus: "${values.gpus}" is not a whole number of GPUs\n${USAGE}`);
  process.exit(2);
}

const cleanups: (() => Promise<void>)[] = [];
let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    process.stdout.write('\nStopping the local cluster…\n');
    // Last started, first stopped: the kubelet before the control plane, the control plane before S3.
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => process.stderr.write(`${(error as Error).message}\n`));
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  let market: ReplayedMarket | undefined;
  const data = values.data ? path.resolve(values.data) : SHARED_DATA;
  if (existsSync(data)) {
    market = await startReplayedMarket({ data, timeframe: values.timeframe, symbol: values.symbol });
    cleanups.push(() => market!.close());
  } else {
    process.stdout.write(`No candle file at ${data}: trainer and inference pods will call the real exchange (pass --data FILE to stay offline).\n`);
  }
  const s3 = await startS3Server({ bucket: 'mur-models' });
  cleanups.push(() => s3.close());

  const started = performance.now();
  const plane = await startControlPlane({ nodes: [NODE] });
  cleanups.push(() => plane.stop());
  const kubelet = await startProcessKubelet({
    server: plane.server,
    caPem: plane.caPem,
    token: plane.nodeTokens[NODE]!,
    nodeName: NODE,
    ...(gpus > 0 ? { gpus, labels: { 'nvidia.com/gpu.present': 'true' } } : {}),
    runtime: processRuntime({ extraEnv: market ? { MUR_EXCHANGE_BASE_URL: market.url, EXCHANGE_BASE_URL: market.url } : {} }),
    pidsFile: path.join(plane.dir, 'pids'),
    log: (line) => process.stdout.write(`kubelet: ${line}\n`),
  });
  cleanups.push(() => kubelet.stop());
  exposeServices(plane.adminKubeconfigPath, (namespace, name) => kubelet.serviceUrl(namespace, name, { timeoutMs: 3_600_000 }));

  const helm = locateHelm();
  const binDir = path.dirname(plane.kubectl);
  process.stdout.write(
    [
      '',
      `Local cluster up in ${((performance.now() - started) / 1000).toFixed(1)} s: Kubernetes ${plane.kubernetesVersion} at ${plane.server}, node ${NODE}${gpus > 0 ? ` with ${gpus} nvidia.com/gpu` : ''}.`,
      market ? `Exchange: ${market.description}.` : '',
      `S3: ${s3.endpoint} (access key ${s3.accessKey}, secret ${s3.secretKey}), bucket mur-models.`,
      '',
      'In another shell:',
      `  export KUBECONFIG=${plane.adminKubeconfigPath}`,
      `  export PATH=${binDir}${helm.available ? `:${path.dirname(helm.path)}` : ''}:$PATH   # kubectl ${plane.kubernetesVersion}${helm.available ? `, helm ${helm.version}` : ''}`,
      // The chart writes the Secrets into secretNamespaces: the namespace must exist before the install.
      '  kubectl create namespace markets',
      `  helm install make-us-rich charts/make-us-rich -n make-us-rich --create-namespace --set s3.endpoint=${s3.endpoint} \\`,
      `    --set s3.accessKeyId=${s3.accessKey} --set s3.secretAccessKey=${s3.secretKey} --set 'secretNamespaces={markets}'`,
      `  kubectl apply -f examples/btc-forecast.yaml${gpus > 0 ? '   # or examples/btc-forecast-gpu.yaml, which trains on this node\'s GPU' : '   # trains on CPU; examples/btc-forecast-gpu.yaml needs --gpus 1'}`,
      '  kubectl get fm -n markets -w',
      '',
      'Each Service is reachable on a loopback port the kubelet prints below once a Pod behind it is ready.',
      'Press Ctrl-C to stop everything.',
      '',
    ].filter((line, i, all) => line !== '' || all[i - 1] !== '').join('\n'),
  );
} catch (error) {
  process.stderr.write(`npm run cluster: ${(error as Error).message}\n`);
  await shutdown(1);
}

/** Give every Service a loopback port as soon as it appears (the kubelet logs the address once a Pod is ready). */
function exposeServices(kubeconfigPath: string, expose: (namespace: string, name: string) => Promise<string>): void {
  const rest = adminRest(kubeconfigPath);
  const seen = new Set<string>();
  const timer = setInterval(() => {
    rest
      .list<{ metadata: { namespace: string; name: string }; spec?: { selector?: Record<string, string> } }>('/api/v1/services')
      .then((list) => {
        for (const service of list.items) {
          const key = `${service.metadata.namespace}/${service.metadata.name}`;
          if (seen.has(key) || !service.spec?.selector) continue;
          seen.add(key);
          expose(service.metadata.namespace, service.metadata.name).catch(() => seen.delete(key));
        }
      })
      .catch(() => undefined);
  }, 2_000);
  cleanups.push(async () => clearInterval(timer));
}
