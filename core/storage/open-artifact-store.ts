import type { ArtifactStore } from '../artifact-store.ts';
import { BadInputError } from '../errors.ts';
import { FileArtifactStore } from './file-artifact-store.ts';
import type { RetryPolicy } from '../retry.ts';
import { S3ArtifactStore } from './s3-artifact-store.ts';
import { S3_SETUP_HINT, type S3Config } from './s3-config.ts';

/** What {@link openArtifactStore} needs besides the URI. */
export interface OpenArtifactStoreOptions {
  /** Object storage settings; required for `s3://` URIs (see s3ConfigFromEnv). */
  readonly s3?: S3Config;
  readonly retry?: Partial<RetryPolicy>;
  /** Idle timeout of one S3 request in milliseconds. */
  readonly timeoutMs?: number;
}

/** The store for `uri`: `s3://bucket/prefix/` or `file:///abs/dir/`; BadInputError for anything else. */
export function openArtifactStore(uri: string, options: OpenArtifactStoreOptions = {}): ArtifactStore {
  if (uri.startsWith('s3://')) {
    if (!options.s3) throw new BadInputError(`artifact URI "${uri}" needs object storage settings: ${S3_SETUP_HINT}`, 'S3_ENDPOINT');
    return new S3ArtifactStore(uri, options.s3, {
      ...(options.retry && { retry: options.retry }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    });
  }
  if (uri.startsWith('file://')) return new FileArtifactStore(uri);
  throw new BadInputError(`artifact URI "${uri}" is not supported: use s3://bucket/prefix/ or file:///absolute/folder/`, 'artifactUri');
}

/**
 * Join a base URI and path parts into a folder URI ending in "/", with exactly one slash between
 * segments: `joinArtifactUri('s3://artifacts/', 'markets/', '/btc-usdt', 'run-1')` is
 * `s3://artifacts/markets/btc-usdt/run-1/`. Parts may hold several segments ("markets/btc-usdt");
 * "." and ".." segments are refused. In `file://` URIs each segment is percent-encoded as URLs require;
 * `s3://` keys are written literally, as the AWS and MinIO command-line tools do.
 */
export function joinArtifactUri(base: string, ...parts: string[]): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/i.exec(base);
  if (!match) throw new BadInputError(`artifact URI "${base}" has no scheme; expected s3://… or file://…`, 'artifactUri');
  const scheme = match[1]!;
  const head = match[2]!.replace(/\/{2,}/g, '/').replace(/\/$/, '');
  const segments = parts.flatMap((part) => part.split('/')).filter((segment) => segment !== '');
  const bad = segments.find((segment) => segment === '.' || segment === '..');
  if (bad !== undefined) throw new BadInputError(`artifact path part "${bad}" is not allowed in ${base}`, 'artifactUri');
  const encode = scheme.toLowerCase() === 'file://' ? encodeURIComponent : (segment: string) => segment;
  return `${scheme}${head}/${segments.map(encode).join('/')}${segments.length > 0 ? '/' : ''}`;
}
