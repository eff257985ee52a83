/** The kubelet's `$(VAR)` expansion in env values and args, and the rewrite of container paths and ports for a process. */

/**
 * Replace `$(NAME)` with the value of NAME when it is defined; `$$` stands for a literal `$`; an undefined
 * reference stays as written (Kubernetes' expansion rules).
 */
export function expandReferences(text: string, values: Readonly<Record<string, string>>): string {
  let result = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char !== '$' || i + 1 >= text.length) {
      result += char;
      continue;
    }
    const next = text[i + 1]!;
    if (next === '$') {
      result += '$';
      i++;
      continue;
    }
    const close = next === '(' ? text.indexOf(')', i + 2) : -1;
    if (close < 0) {
      result += char;
      continue;
    }
    const name = text.slice(i + 2, close);
    result += Object.hasOwn(values, name) ? values[name] : text.slice(i, close + 1);
    i = close;
  }
  return result;
}

/** Where a container's paths and ports are on the host. */
export interface HostMapping {
  /** Container mountPath → host folder. */
  readonly mounts: Readonly<Record<string, string>>;
  readonly terminationMessagePath: string;
  readonly terminationMessageFile: string;
  /** containerPort → host port. */
  readonly ports: Readonly<Record<number, number>>;
}

/**
 * A process sees the host's file system and ports, not the container's: values naming a mount (or a path inside
 * one) or the termination message path point to the host instead, and `…PORT` values equal to a declared
 * containerPort become its host port.
 */
export function remapForProcess(env: Readonly<Record<string, string>>, mapping: HostMapping): Record<string, string> {
  // Longest first, so /data/models wins over /data; "/" would capture every absolute path.
  const mountPaths = Object.keys(mapping.mounts)
    .filter((path) => path !== '/')
    .sort((a, b) => b.length - a.length);
  const remapped: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    remapped[name] = remapValue(name, value, mountPaths, mapping);
  }
  return remapped;
}

function remapValue(name: string, value: string, mountPaths: readonly string[], mapping: HostMapping): string {
  if (value === mapping.terminationMessagePath) return mapping.terminationMessageFile;
  for (const mountPath of mountPaths) {
    const base = mountPath.replace(/\/+$/, '');
    if (value === base || value === mountPath || value.startsWith(`${base}/`)) return mapping.mounts[mountPath]! + value.slice(base.length);
  }
  if (name.endsWith('PORT') && /^\d+$/.test(value)) {
    const hostPort = mapping.ports[Number(value)];
    if (hostPort !== undefined) return String(hostPort);
  }
  return value;
}
