/** Image sizes from buildah's manifests, and the JSON report images:verify ends with. */

/** One layer of an image as its manifest lists it (uncompressed in local storage). */
export interface Layer {
  readonly digest: string;
  readonly size: number;
}

/** The layers of an image, from `buildah inspect --type image` output. */
export function imageLayers(inspectJson: string): Layer[] {
  const manifest = (JSON.parse(inspectJson) as { Manifest?: string }).Manifest;
  if (manifest === undefined) throw new Error('buildah inspect gave no manifest');
  const layers = (JSON.parse(manifest) as { layers?: { digest: string; size: number }[] }).layers ?? [];
  return layers.map(({ digest, size }) => ({ digest, size }));
}

/** Bytes of all layers, which is what `docker images` would show for the unpacked image. */
export function totalBytes(layers: readonly Layer[]): number {
  return layers.reduce((sum, layer) => sum + layer.size, 0);
}

/** Bytes of the layers the Dockerfile added on top of the base: the part that does not depend on the stand-in. */
export function addedBytes(layers: readonly Layer[], baseDigests: ReadonlySet<string>): number {
  return totalBytes(layers.filter((layer) => !baseDigests.has(layer.digest)));
}

/** What happened to one image. */
export interface ImageResult {
  readonly name: string;
  readonly image: string;
  readonly built: boolean;
  readonly smoke: 'passed' | 'failed' | 'skipped';
  readonly detail: string;
  readonly imageBytes: number | undefined;
  readonly addedBytes: number | undefined;
  readonly nodeModulesBytes: number | undefined;
}

/** The report printed on stdout as one JSON document. */
export interface VerifyReport {
  readonly ok: boolean;
  /** True when the base-image stand-ins were made in this run (an empty or outdated cache). */
  readonly coldCache: boolean;
  readonly cacheDir: string;
  readonly seconds: Readonly<Record<string, number>>;
  readonly images: readonly ImageResult[];
}

/** The report: ok only when every image built and passed its check. */
export function verifyReport(options: { coldCache: boolean; cacheDir: string; seconds: Readonly<Record<string, number>>; images: readonly ImageResult[] }): VerifyReport {
  const ok = options.images.length > 0 && options.images.every((image) => image.built && image.smoke === 'passed');
  return { ok, coldCache: options.coldCache, cacheDir: options.cacheDir, seconds: options.seconds, images: options.images };
}

/** A size for people: MB with one decimal (10^6 bytes, as container tools count). */
export function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / 1_000_000).toFixed(1)} MB`;
}
