import type { Context } from 'hono';
import type { RouterRoute } from 'hono/types';
import type { AppEnv } from './app-env.ts';
import { handleNotFound, type ErrorBody } from './http-error.ts';

interface RoutePattern {
  readonly pattern: RegExp;
  readonly method: string;
}

/**
 * The app's `notFound` handler: a path that a route serves with other methods is a 405 whose `Allow`
 * lists them (RFC 9110 §15.5.5), so a client learns it used the wrong method rather than a wrong path;
 * any other path is the usual 404. Only requests no route answered get here, so the routes are matched
 * by hand, once per such request, at no cost to the requests they answer.
 */
export function createUnroutedHandler(routes: () => readonly RouterRoute[]) {
  // Compiled on first use: routes are all registered by the time a request arrives.
  let patterns: readonly RoutePattern[] | undefined;
  return function handleUnrouted(c: Context<AppEnv>): Response {
    patterns ??= routes().filter((route) => route.method !== 'ALL').map((route) => ({ pattern: pathPattern(route.path), method: route.method }));
    const allowed = new Set<string>();
    for (const { pattern, method } of patterns) {
      if (!pattern.test(c.req.path)) continue;
      allowed.add(method);
      // Hono answers HEAD with its GET route.
      if (method === 'GET') allowed.add('HEAD');
    }
    if (allowed.size === 0) return handleNotFound(c);
    const allow = [...allowed].sort().join(', ');
    const body: ErrorBody = { error: `method ${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow}`, code: 'method_not_allowed', requestId: c.get('requestId') };
    return c.json(body, 405, { Allow: allow });
  };
}

/** A Hono route path (`/v2/models/:name/infer`) as an anchored regular expression. */
function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}
