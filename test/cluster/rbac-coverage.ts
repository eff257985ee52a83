/**
 * Which of the operator's RBAC rules the tests exercised, read from the apiserver's audit log: a rule no test
 * used is either dead weight in the role or a path no test covers, and the report says which rules those are.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { PolicyRule } from '../../operator/rbac.ts';

/** One audited request, as far as RBAC is concerned. */
interface AuditedRequest {
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly name: string | undefined;
  readonly code: number;
}

/** What the audit log shows about one user's requests against the rules they were granted. */
export interface RbacCoverage {
  readonly requests: number;
  /** Requests the apiserver refused with 403, as `verb group/resource`. */
  readonly forbidden: readonly string[];
  /** Rule entries (`verb group/resource`) no request used. */
  readonly unexercised: readonly string[];
}

function readAudit(path: string, user: string): AuditedRequest[] {
  const requests: AuditedRequest[] = [];
  // An apiserver that audited nothing has written no file.
  if (!existsSync(path)) return requests;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    const event = JSON.parse(line) as { user?: { username?: string }; verb: string; objectRef?: { apiGroup?: string; resource?: string; subresource?: string; name?: string }; responseStatus?: { code?: number } };
    if (event.user?.username !== user || !event.objectRef?.resource) continue;
    const { apiGroup = '', resource, subresource, name } = event.objectRef;
    requests.push({ verb: event.verb, apiGroup, resource: subresource ? `${resource}/${subresource}` : resource, name, code: event.responseStatus?.code ?? 0 });
  }
  return requests;
}

/** Compare the requests `user` made (per the audit logs at `auditLogPaths`) with `rules`. */
export function rbacCoverage(auditLogPaths: readonly string[], user: string, rules: readonly PolicyRule[]): RbacCoverage {
  const requests = auditLogPaths.flatMap((path) => readAudit(path, user));
  const used = new Set(requests.filter((r) => r.code !== 403).map((r) => `${r.verb} ${r.apiGroup}/${r.resource}`));
  const unexercised: string[] = [];
  for (const rule of rules) for (const group of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) {
    const entry = `${verb} ${group}/${resource}`;
    if (!used.has(entry)) unexercised.push(entry);
  }
  const forbidden = [...new Set(requests.filter((r) => r.code === 403).map((r) => `${r.verb} ${r.apiGroup}/${r.resource}${r.name ? ` (${r.name})` : ''}`))];
  return { requests: requests.length, forbidden, unexercised };
}
