import { canonicalJson } from '../naming.ts';

/** True when two statuses differ; key order does not count. */
export function statusDiffers(before: unknown, after: unknown): boolean {
  return canonicalJson(before ?? {}) !== canonicalJson(after ?? {});
}

/**
 * A JSON merge patch turning status `before` into `after`: top-level fields are replaced whole and fields
 * that disappeared are set to null, so nothing stale survives (merge patches otherwise only add).
 */
export function statusMergePatch(before: Readonly<Record<string, unknown>> | undefined, after: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...after };
  for (const key of Object.keys(before ?? {})) if (!(key in after) || after[key] === undefined) patch[key] = null;
  return { status: patch };
}
