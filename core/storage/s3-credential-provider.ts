import https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { ClientOptions } from 'minio';
import { fetchInstanceMetadataCredentials } from './instance-metadata-credentials.ts';
import { RefreshingCredentialProvider, type TemporaryCredentials } from './refreshing-credential-provider.ts';
import type { S3CredentialSource } from './s3-credential-source.ts';
import { fetchWebIdentityCredentials, readWebIdentityToken } from './web-identity-credentials.ts';

/** Options of {@link createCredentialProvider}. */
export interface CredentialProviderOptions {
  /** PEM trusted besides the public roots for an https STS endpoint (S3_CA_FILE). */
  readonly ca?: string | undefined;
  /** Idle timeout of one request to STS or the metadata service. */
  readonly timeoutMs?: number;
  /** Epoch milliseconds; injected by tests. */
  readonly now?: () => number;
}

/** The minio client's provider type; declared by the package's CommonJS typings, hence the cast below. */
export type S3CredentialsProvider = NonNullable<ClientOptions['credentialsProvider']>;

/**
 * A provider that fetches and refreshes temporary credentials from `source`. A web identity token file is
 * read once here so that an unreadable file fails at startup, naming AWS_WEB_IDENTITY_TOKEN_FILE.
 */
export function createCredentialProvider(source: S3CredentialSource, options: CredentialProviderOptions = {}): S3CredentialsProvider {
  const timing = { ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }) };
  let fetch: () => Promise<TemporaryCredentials>;
  if (source.kind === 'webIdentity') {
    readWebIdentityToken(source.tokenFile);
    const httpsAgent = options.ca === undefined ? undefined : new https.Agent({ keepAlive: false, ca: [...rootCertificates, options.ca] });
    fetch = () => fetchWebIdentityCredentials(source, { ...timing, ...(httpsAgent && { httpsAgent }) });
  } else {
    fetch = () => fetchInstanceMetadataCredentials(source, timing);
  }
  const provider = new RefreshingCredentialProvider({ fetch, ...(options.now && { now: options.now }) });
  // The ESM class the client loads at run time is this one; only its typings come from the CommonJS build.
  return provider as unknown as S3CredentialsProvider;
}
