import { expired } from './api-error.ts';
import { isJsonObject, type KubeObject } from './types.ts';

/** One page of a list and what the client needs to fetch the next one. */
export interface Page {
  items: KubeObject[];
  continueToken?: string;
  remainingItemCount?: number;
}

function objectKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;
}

function encodeContinue(start: string): string {
  return Buffer.from(JSON.stringify({ start })).toString('base64url');
}

function decodeContinue(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isJsonObject(parsed) && typeof parsed.start === 'string') return parsed.start;
  } catch {
    // Falls through to the 410 below: an unreadable token is treated like an expired one.
  }
  throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
}

/**
 * Orders objects by namespace/name (as etcd keys are) and cuts the page `limit`/`continue` ask
 * for. The continue token names the last key served, so pages stay consistent while objects are
 * added or removed between calls (the real server instead serves pages from one snapshot).
 */
export function pageOf(objects: KubeObject[], limit: number | undefined, continueToken: string | undefined): Page {
  let items = [...objects].sort((a, b) => (objectKey(a) < objectKey(b) ? -1 : objectKey(a) > objectKey(b) ? 1 : 0));
  if (continueToken) {
    const start = decodeContinue(continueToken);
    items = items.filter((o) => objectKey(o) > start);
  }
  if (limit === undefined || limit <= 0 || items.length <= limit) return { items };
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page, continueToken: encodeContinue(last ? objectKey(last) : ''), remainingItemCount: items.length - page.length };
}
