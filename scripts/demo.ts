// npm run demo — train a pair, serve it, open the dashboard, and show how to ask for a forecast, all on this machine.
//
//   npm run demo                                   offline: replays recorded candles (../shared/data or --data)
//   npm run demo -- --data my-candles.csv          offline, your own CSV (Binance kline dump or OHLCV)
//   npm run demo -- --exchange binance --symbol BTC/USDT   live: trains on and serves from the real exchange
//   npm run demo -- --cluster                      the cluster path instead: `npm run cluster` (kubectl, helm, the operator)
//
// Offline mode shifts the recorded candles so the series runs into the present: the local exchange
// mirror then "closes" a new candle every hour, exactly as a real exchange would, and the server follows it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startReplayedMarket } from './replayed-market.ts';
import { createLogger } from '../core/logger.ts';
import { createDashboardApp } from '../dashboard/src/app.ts';
import { startDashboardServer } from '../dashboard/src/http-server.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SHARED_DATA = path.resolve(ROOT, '../shared/data/ETHUSDT-1h-binance-2020-01-01_2022-04-11.csv');

if (process.argv.includes('--cluster')) {
  // The local cluster takes over this process with its own flags (--data, --gpus …); it exits on Ctrl-C.
  process.argv = process.argv.filter((arg) => arg !== '--cluster');
  await import('./cluster.ts');
  await new Promise<never>(() => undefined);
}

const USAGE = `Usage: npm run demo -- [flags]

Trains a model, serves it and opens the dashboard, all on this machine. Without --exchange it replays
recorded candles through a local exchange mirror (offline).

Flags:
  --data FILE             recorded candles to replay: a Binance kline dump or an OHLCV CSV
                          (default: the ETH/USDT file in ../shared/data)
  --exchange ID           train on and serve from this real exchange (a ccxt id) instead
  --symbol BASE/QUOTE     the pair (default ETH/USDT)
  --timeframe TF          candle length (default 1h)
  --lookback N            closed candles to train on (default 8760)
  --epochs N              most training epochs (default 30)
  --port N                the inference server's port (default 8080)
  --dashboard-port N      the dashboard's port (default 8090)
  --no-open               print the dashboard's address without opening a browser
  --cluster               the cluster path instead: npm run cluster (kubectl, helm, the operator);
                          see npm run cluster -- --help for its flags
  -h, --help              show this help
`;

/** Stop with the usage text and exit code 2, the convention for input a user can fix. */
function usageError(message: string): never {
  process.stderr.write(`npm run demo: ${message}\n\n${USAGE}`);
  process.exit(2);
}

/** The demo's flags, or a usage error naming the one that is wrong. */
function parseDemoArgs() {
  try {
    return parseArgs({
      options: {
        data: { type: 'string' },
        exchange: { type: 'string' },
        symbol: { type: 'string' },
        timeframe: { type: 'string', default: '1h' },
        lookback: { type: 'string', default: '8760' },
        epochs: { type: 'string', default: '30' },
        port: { type: 'string', default: '8080' },
        'dashboard-port': { type: 'string', default: '8090' },
        'no-open': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs names the offending flag on its first line; anything else is a bug and keeps its stack.
    if (!(error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS_'))) throw error;
    return usageError(error.message.split('\n')[0]!);
  }
}

const { values } = parseDemoArgs();

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
for (const flag of ['port', 'dashboard-port'] as const) {
  const port = Number(values[flag]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) usageError(`--${flag} must be a port number (1-65535), got "${values[flag]}"`);
}

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
let stopping: Promise<never> | undefined;
// Ctrl-C reaches this process twice (from the terminal and forwarded by npm): stop once.
function shutdown(code: number): Promise<never> {
  stopping ??= (async () => {
    for (const child of children) child.kill('SIGTERM');
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    process.exit(code);
  })();
  return stopping;
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

const demoDir = path.join(ROOT, '.demo');
const runName = `demo-${new Date().toISOString().replace(/[-:.]/g, '').toLowerCase()}`;
const artifactDir = path.join(demoDir, 'artifacts', runName);
let exchange = values.exchange ?? 'binance';
let symbol = values.symbol ?? 'ETH/USDT';
let exchangeUrl: string | undefined;

if (!values.exchange) {
  const data = values.data ? path.resolve(values.data) : SHARED_DATA;
  if (!existsSync(data)) {
    process.stderr.write(`No candle file found at ${data}.\nPass --data FILE (a Binance kline dump or OHLCV CSV), or train live with --exchange binance --symbol BTC/USDT.\n`);
    process.exit(2);
  }
  const market = await startReplayedMarket({ data, timeframe: values.timeframe, symbol });
  cleanups.push(() => market.close());
  exchangeUrl = market.url;
  exchange = 'binance';
  process.stdout.write(`Replaying ${market.description}\n`);
}

process.stdout.write(`\n== 1/2 Training ${exchange} ${symbol} ${values.timeframe} (artifact: ${artifactDir})\n`);
const trainArgs = ['bin/mur.ts', 'train', '--exchange', exchange, '--symbol', symbol, '--timeframe', values.timeframe, '--lookback', values.lookback, '--epochs', values.epochs, '--artifact', artifactDir, '--version', runName];
if (exchangeUrl) trainArgs.push('--exchange-url', exchangeUrl);
const trainExit = await run(process.execPath, trainArgs, { LOG_LEVEL: 'warn' });
if (trainExit !== 0) {
  process.stderr.write(`Training failed (exit ${trainExit}); see the messages above.\n`);
  await shutdown(trainExit);
}

const tokenDir = path.join(demoDir, 'tokens');
const token = randomBytes(24).toString('base64url');
await mkdir(tokenDir, { recursive: true });
await writeFile(path.join(tokenDir, 'demo'), token, { mode: 0o600 });

process.stdout.write(`\n== 2/2 Serving on http://127.0.0.1:${values.port}\n`);
const server = spawn(process.execPath, ['server-image/src/main.ts'], {
  cwd: ROOT,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    PORT: values.port,
    HOST: '127.0.0.1',
    MODEL_URI: pathToFileURL(`${artifactDir}/`).href,
    TOKEN_DIR: tokenDir,
    LOG_LEVEL: 'warn',
    ...(exchangeUrl ? { EXCHANGE_BASE_URL: exchangeUrl } : {}),
  },
});
children.push(server);
server.on('exit', (code) => {
  process.stderr.write(`The inference server stopped (exit ${code}).\n`);
  void shutdown(code ?? 1);
});

const base = `http://127.0.0.1:${values.port}`;
if (await waitForReady(`${base}/readyz`, 60_000)) {
  // Ready means the model is loaded; the first live forecast follows once the candle feed has caught up.
  let forecast = await fetch(`${base}/v1/forecast`, { headers: { authorization: `Bearer ${token}` } });
  for (let attempt = 0; attempt < 60 && forecast.status === 503; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    forecast = await fetch(`${base}/v1/forecast`, { headers: { authorization: `Bearer ${token}` } });
  }
  const body: unknown = await forecast.json();
  process.stdout.write(`\nReady. First forecast (HTTP ${forecast.status}):\n${JSON.stringify(body, null, 2).split('\n').slice(0, 30).join('\n')}\n…\n`);
  const dashboard = await startDashboardServer({
    app: createDashboardApp({ targets: [{ name: symbol.toLowerCase().replace('/', '-'), url: base, token }], logger: createLogger({ name: 'dashboard', level: 'warn' }) }),
    host: '127.0.0.1',
    port: Number(values['dashboard-port']),
  });
  cleanups.push(() => dashboard.close());
  if (!values['no-open']) openInBrowser(dashboard.url);
  process.stdout.write(
    [
      '',
      `Dashboard: ${dashboard.url}  (candles, forecast band, track record against naive)`,
      '',
      'Try it:',
      `  export MUR_TOKEN=${token}`,
      `  curl -s -H "Authorization: Bearer $MUR_TOKEN" ${base}/v1/forecast`,
      `  curl -s -H "Authorization: Bearer $MUR_TOKEN" ${base}/v1/model`,
      `  curl -s ${base}/metrics | grep mur_`,
      `  curl -s ${base}/openapi.json`,
      '',
      `Backtest of this model: ${path.join(artifactDir, 'backtest.json')}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
} else {
  process.stderr.write('The server did not become ready within 60 s.\n');
  await shutdown(1);
}

/** Open the URL in the desktop's browser when there is one; a headless machine just prints it. */
function openInBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : process.env.DISPLAY || process.env.WAYLAND_DISPLAY ? 'xdg-open' : undefined;
  if (!opener || !process.stdout.isTTY) return;
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

function run(command: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
    children.push(child);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function waitForReady(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
