import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A running s3rver on loopback with one bucket, and how to reach it. */
export interface TestS3Server {
  /** `http://127.0.0.1:<port>`, or `https://…` when started with `tls`. */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** The bucket created at start. */
  readonly bucket: string;
  /** PEM of the private CA that signed the server certificate (TLS only). */
  readonly ca?: string;
  /** Path of that PEM on disk (TLS only), for S3_CA_FILE. */
  readonly caFile?: string;
  /** Stop the server and delete its data folder. */
  close(): Promise<void>;
}

/** Options of {@link startS3Server}. */
export interface StartS3ServerOptions {
  /** Bucket to create; default "artifacts". */
  readonly bucket?: string;
  /** Serve https with a certificate for 127.0.0.1 signed by a freshly made private CA. */
  readonly tls?: boolean;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

// s3rver is CommonJS without type declarations; its built-in account is S3RVER / S3RVER and it checks
// request signatures, so wrong credentials really fail.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';

/** Start s3rver on 127.0.0.1 with an ephemeral port, storing objects in a fresh temporary folder. */
export async function startS3Server(options: StartS3ServerOptions = {}): Promise<TestS3Server> {
  const bucket = options.bucket ?? 'artifacts';
  const directory = await mkdtemp(join(tmpdir(), 'mur-s3rver-'));
  const tls = options.tls ? await makeTlsFiles(directory) : undefined;
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(directory, 'data'),
    configureBuckets: [{ name: bucket }],
    ...(tls && { key: tls.key, cert: tls.cert }),
  });
  const address = await server.run();
  let closed = false;
  return {
    endpoint: `${tls ? 'https' : 'http'}://127.0.0.1:${address.port}`,
    accessKey: ACCESS_KEY,
    secretKey: SECRET_KEY,
    bucket,
    ...(tls && { ca: tls.ca, caFile: tls.caFile }),
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

const run = promisify(execFile);

/** A private CA and a server certificate for 127.0.0.1/localhost signed by it, made with the openssl CLI. */
async function makeTlsFiles(directory: string): Promise<{ key: string; cert: string; ca: string; caFile: string }> {
  const path = (name: string) => join(directory, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', path('ca.key'), '-out', path('ca.pem'), '-days', '2', '-subj', '/CN=Make Us Rich test CA']);
  await run('openssl', ['req', ...ec, '-keyout', path('server.key'), '-out', path('server.csr'), '-subj', '/CN=127.0.0.1']);
  await writeFile(path('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await run('openssl', [
    'x509', '-req', '-in', path('server.csr'), '-CA', path('ca.pem'), '-CAkey', path('ca.key'), '-CAcreateserial',
    '-out', path('server.pem'), '-days', '2', '-extfile', path('server.ext'),
  ]);
  const [key, cert, ca] = await Promise.all(['server.key', 'server.pem', 'ca.pem'].map((name) => readFile(path(name), 'utf8')));
  return { key: key!, cert: cert!, ca: ca!, caFile: path('ca.pem') };
}
