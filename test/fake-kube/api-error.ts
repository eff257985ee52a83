/** One field-level cause of an Invalid error, as `Status.details.causes[]` carries it. */
export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

/** `Status.details`: which object the failure is about. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

/** The group and plural name of a resource, as the apiserver names it in messages (`jobs.batch`). */
export interface GroupResource {
  group: string;
  plural: string;
}

/**
 * A failed API call: carries the HTTP code and reason the real apiserver would send.
 * Thrown by the semantic layer; the router turns it into a `Status` body.
 */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  /** The `Status` object the real apiserver sends for this failure. */
  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `pods` or `jobs.batch`: the qualified resource name used in apiserver messages. */
export function qualifiedResource(resource: GroupResource): string {
  return resource.group === '' ? resource.plural : `${resource.plural}.${resource.group}`;
}

/** 404 for a missing object. */
export function notFound(resource: GroupResource, name: string): KubeApiError {
  return new KubeApiError(404, 'NotFound', `${qualifiedResource(resource)} "${name}" not found`, {
    name,
    group: resource.group,
    kind: resource.plural,
  });
}

/** 409 for a create whose name is taken. */
export function alreadyExists(resource: GroupResource, name: string): KubeApiError {
  return new KubeApiError(409, 'AlreadyExists', `${qualifiedResource(resource)} "${name}" already exists`, {
    name,
    group: resource.group,
    kind: resource.plural,
  });
}

/** 409 for a write based on a stale resourceVersion (or another failed precondition). */
export function conflict(resource: GroupResource, name: string, why: string): KubeApiError {
  return new KubeApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(resource)} "${name}": ${why}`,
    { name, group: resource.group, kind: resource.plural },
  );
}

/** The message the apiserver gives when an update carries an outdated resourceVersion. */
export const STALE_OBJECT_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

/** 422 with one cause per offending field, formatted like the real apiserver. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): KubeApiError {
  const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
  const lines = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const summary = lines.length === 1 ? lines[0] : `[${lines.join(', ')}]`;
  return new KubeApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    group,
    kind,
    causes,
  });
}

/** 400 for a malformed request. */
export function badRequest(message: string): KubeApiError {
  return new KubeApiError(400, 'BadRequest', message);
}

/** 410 for a watch or list from a resourceVersion the server no longer remembers. */
export function expired(message: string): KubeApiError {
  return new KubeApiError(410, 'Expired', message);
}

/** 403 for a request the server refuses on principle (e.g. content in a terminating namespace). */
export function forbidden(message: string, details?: StatusDetails): KubeApiError {
  return new KubeApiError(403, 'Forbidden', message, details);
}

/** 405 for a verb the resource does not serve. */
export function methodNotAllowed(message: string): KubeApiError {
  return new KubeApiError(405, 'MethodNotAllowed', message);
}

/** 415 for a body or patch type the resource does not accept. */
export function unsupportedMediaType(message: string): KubeApiError {
  return new KubeApiError(415, 'UnsupportedMediaType', message);
}

/** 404 for a URL that names no resource at all. */
export function pathNotFound(path: string): KubeApiError {
  return new KubeApiError(404, 'NotFound', `the server could not find the requested resource (${path})`, {});
}
