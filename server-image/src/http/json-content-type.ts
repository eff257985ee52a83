import type { Context } from 'hono';
import { HttpError } from './http-error.ts';
import { requestHeader } from './request-header.ts';

/**
 * Refuse with 415 a request body declared as anything but JSON (`application/json`, any parameters), before
 * reading it: a form or a binary tensor would otherwise be parsed as JSON and refused with a misleading
 * 400. A body without Content-Type is read as JSON, as it always was.
 */
export function requireJsonContentType(c: Context): void {
  const declared = requestHeader(c, 'content-type');
  if (declared === undefined) return;
  const mediaType = declared.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new HttpError(415, `Content-Type: must be application/json, got "${declared.slice(0, 100)}"`, { field: 'Content-Type' });
  }
}
