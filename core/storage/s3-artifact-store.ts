import type { Client } from 'minio';
import { ArtifactNotFoundError, type ArtifactStore } from '../artifact-store.ts';
import { BadInputError } from '../errors.ts';
import { checkArtifactKey } from './artifact-key.ts';
import { RetriesExhaustedError, withRetry, type RetryPolicy } from '../retry.ts';
import { storageRetryPolicy } from './retry.ts';
import { createS3Client, DEFAULT_S3_TIMEOUT_MS } from './s3-client.ts';
import type { S3Config } from './s3-config.ts';
import { classifyS3Error, describeS3Failure, isNetworkFailure, ObjectStorageError, s3FailureHint, type S3RequestTarget } from './s3-errors.ts';

/** Tuning of an S3 artifact store; everything has a production default. */
export interface S3ArtifactStoreOptions {
  readonly retry?: Partial<RetryPolicy>;
  /** Idle timeout of one request in milliseconds. */
  readonly timeoutMs?: number;
}

/** Bucket and key prefix of an `s3://bucket/prefix/` URI; the prefix is "" or ends in "/". */
export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

/** Parse `s3://bucket/prefix/`; BadInputError naming the URI when the bucket name is not a valid S3 name. */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]*)\/?(.*)$/.exec(uri);
  const bucket = match?.[1] ?? '';
  if (!match || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new BadInputError(`artifact URI "${uri}" must look like s3://bucket/prefix/ with a valid bucket name (3-63 of a-z 0-9 . -)`, 'artifactUri');
  }
  const path = (match[2] ?? '').replace(/\/{2,}/g, '/').replace(/^\//, '');
  return { bucket, prefix: path === '' || path.endsWith('/') ? path : `${path}/` };
}

/**
 * Artifact store over an S3-compatible bucket through the minio client. Temporary failures (network,
 * timeouts, 5xx, SlowDown) are retried with backoff; permanent ones fail at once with what to check.
 */
export class S3ArtifactStore implements ArtifactStore {
  /** `s3://bucket/prefix/`, always ending in "/". */
  readonly baseUri: string;
  readonly location: S3Location;
  private readonly client: Client;
  private readonly endpoint: string;
  private readonly retry: RetryPolicy;
  private readonly credentials: S3RequestTarget['credentials'];

  constructor(uri: string, config: S3Config, options: S3ArtifactStoreOptions = {}) {
    this.location = parseS3Uri(uri);
    this.baseUri = `s3://${this.location.bucket}/${this.location.prefix}`;
    this.endpoint = config.endpoint.replace(/\/+$/, '');
    this.client = createS3Client(config, options.timeoutMs ?? DEFAULT_S3_TIMEOUT_MS);
    this.retry = storageRetryPolicy(options.retry);
    // Static keys win over a credential source, as in createS3Client.
    this.credentials = config.accessKey !== undefined && config.secretKey !== undefined ? undefined : config.credentials?.kind;
  }

  /** Upload `body` at `key`, replacing what was there. */
  async put(key: string, body: Uint8Array, contentType = 'application/octet-stream'): Promise<void> {
    const objectKey = this.objectKey(key);
    const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    await this.request('put', objectKey, () =>
      this.client.putObject(this.location.bucket, objectKey, buffer, buffer.byteLength, { 'Content-Type': contentType }),
    );
  }

  /** Download the object at `key`; ArtifactNotFoundError when there is none. */
  async get(key: string): Promise<Uint8Array> {
    const objectKey = this.objectKey(key);
    const body = await this.request('get', objectKey, async () => {
      const chunks: Buffer[] = [];
      // Reading the body is inside the retried operation: a connection reset mid-download starts over.
      for await (const chunk of await this.client.getObject(this.location.bucket, objectKey)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    });
    if (body === undefined) throw new ArtifactNotFoundError(`no ${key} at ${this.baseUri}`);
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  }

  /** True when an object exists at `key`; a missing bucket is an error, not "false". */
  async exists(key: string): Promise<boolean> {
    const objectKey = this.objectKey(key);
    const found = await this.request('stat', objectKey, async () => {
      await this.client.statObject(this.location.bucket, objectKey);
      return true;
    });
    if (found) return true;
    // HEAD answers a bare 404 both for a missing object and a missing bucket; tell them apart.
    const bucketFound = await this.request('check', '', () => this.client.bucketExists(this.location.bucket));
    if (!bucketFound) throw this.permanentError('check', objectKey, Object.assign(new Error('The specified bucket does not exist'), { code: 'NoSuchBucket' }));
    return false;
  }

  /** Delete every object under the prefix; refuses a store rooted at the bucket itself. */
  async removeAll(): Promise<void> {
    const { bucket, prefix } = this.location;
    if (prefix === '') throw new BadInputError(`refusing to remove every object in bucket "${bucket}": ${this.baseUri} has no prefix`, 'artifactUri');
    await this.request('remove', prefix, async () => {
      const keys: string[] = [];
      for await (const item of this.client.listObjectsV2(bucket, prefix, true)) {
        if (typeof item.name === 'string') keys.push(item.name);
      }
      if (keys.length === 0) return;
      const failures = (await this.client.removeObjects(bucket, keys)) as unknown as Array<{ Key?: string; Code?: string; Message?: string }>;
      const first = failures[0];
      if (first) throw Object.assign(new Error(`could not delete ${first.Key}: ${first.Message ?? first.Code}`), { code: first.Code });
    });
  }

  private objectKey(key: string): string {
    return this.location.prefix + checkArtifactKey(key);
  }

  /** Run one retried request; "not found" answers come back as undefined, every other failure is wrapped. */
  private async request<T>(operation: string, objectKey: string, send: () => Promise<T>): Promise<T | undefined> {
    try {
      return await withRetry(send, { isTemporary: (error) => classifyS3Error(error) === 'temporary' }, this.retry);
    } catch (error) {
      if (error instanceof RetriesExhaustedError) {
        const last = error.cause;
        const state = isNetworkFailure(last) ? 'unreachable' : 'unavailable';
        throw new ObjectStorageError(
          `object storage at ${this.endpoint} ${state} after ${error.attempts} attempts (${operation} ${this.describeTarget(objectKey)}): ${describeS3Failure(last)}`,
          this.target(operation, objectKey),
          true,
          { cause: last },
        );
      }
      if (classifyS3Error(error) === 'not-found') return undefined;
      throw this.permanentError(operation, objectKey, error);
    }
  }

  private permanentError(operation: string, objectKey: string, error: unknown): ObjectStorageError {
    const target = this.target(operation, objectKey);
    const hint = s3FailureHint(error, target);
    return new ObjectStorageError(
      `${operation} ${this.describeTarget(objectKey)} at ${this.endpoint} failed: ${describeS3Failure(error)}${hint ? `; ${hint}` : ''}`,
      target,
      false,
      { cause: error },
    );
  }

  private describeTarget(objectKey: string): string {
    return `s3://${this.location.bucket}/${objectKey}`;
  }

  private target(operation: string, key: string): S3RequestTarget {
    return { endpoint: this.endpoint, bucket: this.location.bucket, key, operation, ...(this.credentials && { credentials: this.credentials }) };
  }
}
