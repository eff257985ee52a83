/** A REST path that names a resource (collection, object or subresource). */
export interface ResourceTarget {
  group: string;
  version: string;
  plural: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  /** The deprecated `/watch/` path prefix was used instead of `?watch=true`. */
  legacyWatch: boolean;
}

/** A path under /api or /apis above resource level (discovery documents). */
export interface GroupTarget {
  group: string | undefined;
  version: string | undefined;
  core: boolean;
}

/**
 * Splits a request path into a resource target or a discovery target. Namespaced paths
 * (`/namespaces/<ns>/<plural>`) are told apart from the namespaces resource's own subresources
 * (`/namespaces/<name>/status`) by asking whether `<plural>` is a namespaced resource.
 */
export function parseRequestPath(
  pathname: string,
  isNamespacedPlural: (group: string, version: string, plural: string) => boolean,
): { resource: ResourceTarget } | { groupPath: GroupTarget } | undefined {
  const segments = pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  let group: string | undefined;
  let version: string | undefined;
  let rest: string[];
  if (segments[0] === 'api') {
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis') {
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  if (group === undefined || version === undefined || rest.length === 0) {
    return { groupPath: { group, version, core: segments[0] === 'api' } };
  }
  const legacyWatch = rest[0] === 'watch';
  if (legacyWatch) rest = rest.slice(1);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && isNamespacedPlural(group, version, rest[2] ?? '')) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return undefined;
  return {
    resource: { group, version, plural: rest[0] ?? '', namespace, name: rest[1], subresource: rest[2], legacyWatch },
  };
}
