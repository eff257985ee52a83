import type { MiddlewareHandler } from 'hono';
import type { Admission } from '../admission/admission.ts';
import type { AppEnv } from '../http/app-env.ts';
import { requestHeader, requestHeaderLines } from '../http/request-header.ts';

/**
 * Admit only requests with a known API token within its rate limit (see {@link Admission.admitToken});
 * sets `c.var.tokenName`. A refusal is thrown for the app's error handler to answer.
 */
export function createRequireToken(admission: Pick<Admission, 'admitToken'>): MiddlewareHandler<AppEnv> {
  // Not async: a middleware that only checks and hands on returns next()'s promise, saving a promise and a tick.
  return function requireToken(c, next) {
    const tokenName = admission.admitToken({ header: requestHeader(c, 'authorization'), lines: () => requestHeaderLines(c, 'authorization') });
    c.set('tokenName', tokenName);
    return next();
  };
}
