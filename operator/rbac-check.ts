import type { PolicyRule } from './rbac.ts';

/** What the API server's RBAC authorizer sees of a request. */
export interface RequestAttributes {
  readonly verb: string;
  readonly apiGroup: string;
  /** `plural` or `plural/subresource`. */
  readonly resource: string;
  readonly name?: string;
}

const VERBS: Readonly<Record<string, string>> = { POST: 'create', PUT: 'update', PATCH: 'patch' };

/**
 * The RBAC attributes of a REST request, as the API server derives them: GET is get on an object, list on a
 * collection (watch with `watch=true`); DELETE is delete or deletecollection.
 */
export function requestAttributes(method: string, path: string, query: Readonly<Record<string, string>> = {}): RequestAttributes {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const apiGroup = parts[0] === 'api' ? '' : parts[1]!;
  let rest = parts.slice(parts[0] === 'api' ? 2 : 3);
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  const [plural, name, subresource] = rest;
  const resource = subresource ? `${plural}/${subresource}` : plural!;
  const verb =
    method === 'GET' ? (name ? 'get' : query.watch === 'true' ? 'watch' : 'list') : method === 'DELETE' ? (name ? 'delete' : 'deletecollection') : (VERBS[method] ?? method.toLowerCase());
  return { verb, apiGroup, resource, ...(name ? { name } : {}) };
}

/** True when one of `rules` grants the request. */
export function isAllowed(rules: readonly PolicyRule[], request: RequestAttributes): boolean {
  return rules.some(
    (rule) =>
      rule.apiGroups.includes(request.apiGroup) &&
      rule.resources.includes(request.resource) &&
      rule.verbs.includes(request.verb) &&
      (!rule.resourceNames || (request.name !== undefined && rule.resourceNames.includes(request.name))),
  );
}
