/** The little of a Dockerfile images:verify and the workspace checks read: ARG defaults, stages and what they copy. */

/** One logical Dockerfile line: continuations joined, comments and blank lines dropped. */
function instructions(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trimEnd()} `;
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

/** One build stage: its base (a stage name or an image, ARGs not yet substituted), name, and its own instructions. */
interface Stage {
  readonly base: string;
  readonly name: string | undefined;
  readonly steps: string[];
}

function stages(text: string): Stage[] {
  const found: Stage[] = [];
  for (const line of instructions(text)) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from) found.push({ base: from[1]!, name: from[2], steps: [] });
    else found.at(-1)?.steps.push(line);
  }
  return found;
}

/** The stages a stage copies from (`COPY --from=`). */
function copiedFrom(stage: Stage): string[] {
  return stage.steps.flatMap((line) => /^COPY\s+(?:--\S+\s+)*?--from=(\S+)/i.exec(line)?.[1] ?? []);
}

/** The instructions of the stage `name` after its FROM line, continuations joined and comments dropped. */
export function stageInstructions(text: string, name: string): string[] {
  const stage = stages(text).find((candidate) => candidate.name === name);
  if (stage === undefined) throw new Error(`the Dockerfile has no stage named ${name}`);
  return stage.steps;
}

/** `${NAME}` and `$NAME` replaced by their values; an ARG without one is an error, since the stage would not resolve. */
function substitute(text: string, args: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_match, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const value = args[name];
    if (value === undefined) throw new Error(`FROM uses ARG ${name}, which has no value`);
    return value;
  });
}

/**
 * The stages of `target` that must carry a tag of their own to survive `buildah rmi --prune`: the ones it copies
 * from (`COPY --from`), transitively, followed through stages that only alias another (`FROM deps AS x`), with
 * `args` (build args over the global ARG defaults) substituted in FROM lines. A stage the target is based on
 * (`FROM node-runtime`) is the parent of the image's layers and stays anyway; a copied-from stage's last layer is no
 * image's parent, so pruning would delete it and the next build would redo it (an `npm ci`). Stages built from
 * `scratch` are left out (they only copy a few source folders and cost nothing to rebuild), and so are the bases
 * of a kept stage.
 */
export function stagesToKeep(text: string, target: string, args: Readonly<Record<string, string>> = {}): string[] {
  const all = stages(text);
  const values = { ...globalArgDefaults(text), ...args };
  const byName = new Map(all.flatMap((stage) => (stage.name === undefined ? [] : [[stage.name, stage] as const])));
  const stageNamed = (name: string): Stage => {
    const stage = byName.get(name);
    if (stage === undefined) throw new Error(`the Dockerfile has no stage named ${name}`);
    return stage;
  };
  /** The stage whose last layer `name` stands for: itself, or what it aliases. */
  const resolve = (name: string): Stage => {
    const stage = stageNamed(name);
    const base = substitute(stage.base, values);
    return stage.steps.length === 0 && byName.has(base) ? resolve(base) : stage;
  };
  const keep = new Set<string>();
  const visited = new Set<string>();
  const visit = (name: string) => {
    if (visited.has(name)) return;
    visited.add(name);
    const stage = stageNamed(name);
    const base = substitute(stage.base, values);
    if (byName.has(base)) visit(base);
    for (const source of copiedFrom(stage)) {
      const copied = resolve(source);
      if (copied.base !== 'scratch') keep.add(copied.name!);
      visit(source);
    }
  };
  visit(target);
  // A kept stage's own bases are its parents, kept with it.
  for (const name of [...keep]) {
    for (let base = substitute(stageNamed(name).base, values); byName.has(base); base = substitute(stageNamed(base).base, values)) keep.delete(base);
  }
  return all.filter((stage) => stage.name !== undefined && keep.has(stage.name)).map((stage) => stage.name!);
}

/** Docker's reading of a short image name: `node:24` is docker.io/library/node:24, `nvidia/cuda:x` docker.io/nvidia/cuda:x. */
export function qualifiedImageName(name: string): string {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  if (hasRegistry) return name;
  return slash === -1 ? `docker.io/library/${name}` : `docker.io/${name}`;
}
