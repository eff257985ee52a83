/**
 * Object storage for artifacts, addressed by URI: `s3://bucket/prefix/` or `file:///abs/path/`.
 * Keys are relative to the store's base URI (e.g. "model.onnx").
 */
export interface ArtifactStore {
  /** The base URI this store writes under, always ending in "/". */
  readonly baseUri: string;
  /** Write `body` at `key`, replacing what was there. Retries temporary failures before throwing. */
  put(key: string, body: Uint8Array, contentType?: string): Promise<void>;
  /** Read the object at `key`; throws ArtifactNotFoundError when it does not exist. */
  get(key: string): Promise<Uint8Array>;
  /** True when an object exists at `key`. */
  exists(key: string): Promise<boolean>;
  /** Remove every object under the base URI (used by the operator's retention finalizer). */
  removeAll(): Promise<void>;
}

/** Raised by ArtifactStore.get when the key does not exist. */
export class ArtifactNotFoundError extends Error {
  override readonly name = 'ArtifactNotFoundError';
}
