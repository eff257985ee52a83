/** The downward API: pod fields as environment values and volume files. */
import type { V1Pod } from '@kubernetes/client-node';

/** Every pod of the process kubelet has this address, and so does the node. */
export const LOOPBACK_IP = '127.0.0.1';

/** `key="value"` lines sorted by key, as the kubelet renders whole label and annotation maps. */
function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((key) => `${key}=${JSON.stringify(map![key])}`)
    .join('\n');
}

/** The value of a fieldRef's fieldPath for `pod`; throws for a path the downward API does not offer. */
export function podFieldValue(pod: V1Pod, fieldPath: string): string {
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (subscript) {
    const map = subscript[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[subscript[2]!] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'metadata.labels':
      return formatMap(pod.metadata?.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata?.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP':
    case 'status.podIPs':
    case 'status.hostIP':
    case 'status.hostIPs':
      return LOOPBACK_IP;
    default:
      throw new Error(`unsupported fieldPath ${JSON.stringify(fieldPath)}`);
  }
}
