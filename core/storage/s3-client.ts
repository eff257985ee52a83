import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { Client, type ClientOptions } from 'minio';
import { BadInputError } from '../errors.ts';
import { createCredentialProvider } from './s3-credential-provider.ts';
import { S3_CREDENTIAL_HINT } from './s3-credential-env.ts';
import { checkS3Endpoint, type S3Config } from './s3-config.ts';

/** Idle time after which a request to object storage counts as timed out (and is retried). */
export const DEFAULT_S3_TIMEOUT_MS = 20_000;

/**
 * A minio client for `config`. The client's own retries are disabled because the artifact store retries
 * whole operations (including reading the body) with its own policy; a private CA is trusted through a
 * dedicated https.Agent passed as `transportAgent`, which the client hands to every request it makes.
 * Static keys sign requests as given; otherwise a credential provider fetches temporary credentials and the
 * client asks it before every request, which is where they are refreshed before they expire.
 */
export function createS3Client(config: S3Config, timeoutMs = DEFAULT_S3_TIMEOUT_MS): Client {
  const url = checkS3Endpoint(config.endpoint);
  const useSSL = url.protocol === 'https:';
  const ca = useSSL ? readCa(config) : undefined;
  const transportAgent = useSSL
    ? new https.Agent({ keepAlive: true, ...(ca !== undefined && { ca: [...rootCertificates, ca] }) })
    : new http.Agent({ keepAlive: true });
  const options: ClientOptions = {
    endPoint: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    useSSL,
    ...clientCredentials(config),
    pathStyle: config.pathStyle ?? true,
    transport: timeoutTransport(useSSL ? https : http, timeoutMs),
    transportAgent,
    retryOptions: { disableRetry: true },
    ...(url.port !== '' && { port: Number(url.port) }),
    ...(config.region !== undefined && { region: config.region }),
  };
  return new Client(options);
}

/** Static keys when both are set, else a provider for `config.credentials`; BadInputError when there is neither. */
function clientCredentials(config: S3Config): Partial<ClientOptions> {
  if (config.accessKey !== undefined && config.secretKey !== undefined) {
    return {
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      ...(config.sessionToken !== undefined && { sessionToken: config.sessionToken }),
    };
  }
  if (config.credentials === undefined) throw new BadInputError(`no S3 credentials for ${config.endpoint}: ${S3_CREDENTIAL_HINT}`, 'S3_ACCESS_KEY_ID');
  return { credentialsProvider: createCredentialProvider(config.credentials, { ca: readCa(config) }) };
}

/** The PEM to trust in addition to the public roots, from `ca` or `caFile`. */
function readCa(config: S3Config): string | undefined {
  if (config.ca !== undefined) return config.ca;
  if (config.caFile === undefined) return undefined;
  try {
    return readFileSync(config.caFile, 'utf8');
  } catch (error) {
    throw new BadInputError(`S3_CA_FILE "${config.caFile}" cannot be read: ${(error as Error).message}`, 'S3_CA_FILE', { cause: error });
  }
}

type Transport = NonNullable<ClientOptions['transport']>;

/**
 * http(s).request with an idle timeout: the minio client sets none, so a server that accepts the
 * connection and never answers would hang the trainer forever. The timeout ends the request with an
 * ETIMEDOUT error, which the store treats as temporary.
 */
function timeoutTransport(base: typeof http | typeof https, timeoutMs: number): Transport {
  const request = (options: http.RequestOptions, callback?: (response: http.IncomingMessage) => void): http.ClientRequest => {
    const req = base.request({ ...options, timeout: timeoutMs }, callback);
    req.on('timeout', () => {
      const error = Object.assign(new Error(`no response within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
      req.destroy(error);
    });
    return req;
  };
  return { request: request as typeof http.request };
}
