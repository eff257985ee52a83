/** The little of a Dockerfile images:verify reads: ARG defaults and the named build stages. */

/** One logical Dockerfile line: continuations joined, comments and blank lines dropped. */
function instructions(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    lines.push(pending + line);
    pending = '';
  }
  if (pending !== '') lines.push(pending.trimEnd());
  return lines;
}

/** Defaults of the ARGs declared before the first FROM (the ones a FROM line can use); ARGs without one are left out. */
export function globalArgDefaults(text: string): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const line of instructions(text)) {
    if (/^FROM\s/i.test(line)) break;
    const match = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)$/i.exec(line);
    if (match) defaults[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return defaults;
}

/**
 * Names of the `FROM … AS name` stages that run instructions of their own. Their last layer has no tag and no
 * child image, so `buildah rmi --prune` would delete it and the next build would redo it (an `npm ci`).
 */
export function namedStagesWithSteps(text: string): string[] {
  const stages: string[] = [];
  let current: { name: string | undefined; steps: number } | undefined;
  const close = () => {
    if (current?.name !== undefined && current.steps > 0) stages.push(current.name);
  };
  for (const line of instructions(text)) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from) {
      close();
      current = { name: from[1], steps: 0 };
    } else if (current) {
      current.steps += 1;
    }
  }
  close();
  return stages;
}

/** Docker's reading of a short image name: `node:24` is docker.io/library/node:24, `nvidia/cuda:x` docker.io/nvidia/cuda:x. */
export function qualifiedImageName(name: string): string {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  if (hasRegistry) return name;
  return slash === -1 ? `docker.io/library/${name}` : `docker.io/${name}`;
}
