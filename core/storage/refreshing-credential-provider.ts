// The package root exports neither class; these deep imports are the same modules its Client loads.
import { CredentialProvider } from 'minio/dist/esm/CredentialProvider.mjs';
import { Credentials } from 'minio/dist/esm/Credentials.mjs';

/** Temporary credentials and when they stop working. */
export interface TemporaryCredentials {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly sessionToken: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/** What a {@link RefreshingCredentialProvider} fetches with, and its clock. */
export interface RefreshingCredentialProviderOptions {
  /** Fetch a fresh set; its errors reach the S3 request that needed credentials. */
  readonly fetch: () => Promise<TemporaryCredentials>;
  /** Epoch milliseconds; injected by tests. */
  readonly now?: () => number;
}

// Refresh a fifth of the lifetime before expiry, at most five minutes before: an hour-long AWS session
// is renewed at 55 minutes, a test's two-second one at 1.6 s.
const MAX_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * A minio CredentialProvider for credentials that expire. The minio client asks its provider before every
 * request; this one answers from its cache until the refresh point, then fetches once for all concurrent
 * requests. When a refresh fails while the cached set is still valid, the cached set is used and the next
 * request tries again, so a short STS outage does not fail uploads.
 */
export class RefreshingCredentialProvider extends CredentialProvider {
  readonly #fetch: () => Promise<TemporaryCredentials>;
  readonly #now: () => number;
  #current: { credentials: Credentials; refreshAt: number; expiresAt: number } | undefined;
  #pending: Promise<Credentials> | undefined;

  constructor(options: RefreshingCredentialProviderOptions) {
    super({ accessKey: '', secretKey: '' });
    this.#fetch = options.fetch;
    this.#now = options.now ?? Date.now;
  }

  /** Cached credentials, or fresh ones when the cached set is due for refresh. */
  override async getCredentials(): Promise<Credentials> {
    const current = this.#current;
    const now = this.#now();
    if (current !== undefined && now < current.refreshAt) return current.credentials;
    this.#pending ??= this.#refresh().finally(() => {
      this.#pending = undefined;
    });
    try {
      return await this.#pending;
    } catch (error) {
      if (current !== undefined && this.#now() < current.expiresAt) return current.credentials;
      throw error;
    }
  }

  async #refresh(): Promise<Credentials> {
    const fetchedAt = this.#now();
    const fresh = await this.#fetch();
    const margin = Math.min(MAX_REFRESH_MARGIN_MS, Math.max(0, fresh.expiresAt - fetchedAt) / 5);
    const credentials = new Credentials({ accessKey: fresh.accessKey, secretKey: fresh.secretKey, sessionToken: fresh.sessionToken });
    this.#current = { credentials, refreshAt: fresh.expiresAt - margin, expiresAt: fresh.expiresAt };
    return credentials;
  }
}
