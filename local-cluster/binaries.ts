/** Where the control plane binaries built by `npm run cluster:build` live, keyed by the versions go.mod pins. */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The binaries `cluster:build` produces. */
export const CONTROL_PLANE_BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'] as const;

/** One of the control plane binaries. */
export type ControlPlaneBinary = (typeof CONTROL_PLANE_BINARIES)[number];

/** Versions pinned in local-cluster/go/go.mod, and the Go version it asks for. */
export interface PinnedVersions {
  readonly kubernetes: string;
  readonly etcd: string;
  readonly go: string;
}

/** The Go module that pins the control plane. */
export function clusterGoModuleDir(): string {
  return join(import.meta.dirname, 'go');
}

/** Read the pinned versions from go.mod. */
export function readPinnedVersions(): PinnedVersions {
  const goMod = readFileSync(join(clusterGoModuleDir(), 'go.mod'), 'utf8');
  const version = (module: string) => {
    const match = new RegExp(`^\\s*(?:require\\s+)?${module.replaceAll('.', '\\.')}\\s+(v\\S+)`, 'm').exec(goMod);
    if (!match) throw new Error(`local-cluster/go/go.mod pins no version of ${module}`);
    return match[1]!;
  };
  const go = /^go\s+(\S+)/m.exec(goMod)?.[1] ?? 'unknown';
  return { kubernetes: version('k8s.io/kubernetes'), etcd: version('go.etcd.io/etcd/server/v3'), go };
}

/** The cache root: MUR_CLUSTER_CACHE, else $XDG_CACHE_HOME/make-us-rich/cluster, else ~/.cache/make-us-rich/cluster. */
export function clusterCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MUR_CLUSTER_CACHE) return env.MUR_CLUSTER_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'make-us-rich', 'cluster');
}

/** The folder holding the binaries of `versions`. */
export function clusterBinDir(versions: PinnedVersions = readPinnedVersions(), env: NodeJS.ProcessEnv = process.env): string {
  return join(clusterCacheRoot(env), `kubernetes-${versions.kubernetes}-etcd-${versions.etcd}`, 'bin');
}

/** Paths of every binary, or an error saying how to build them. */
export function locateControlPlane(env: NodeJS.ProcessEnv = process.env): Record<ControlPlaneBinary, string> {
  const dir = clusterBinDir(readPinnedVersions(), env);
  const paths = Object.fromEntries(CONTROL_PLANE_BINARIES.map((name) => [name, join(dir, name)])) as Record<ControlPlaneBinary, string>;
  const missing = CONTROL_PLANE_BINARIES.filter((name) => !existsSync(paths[name]));
  if (missing.length > 0) throw new Error(`control plane binaries missing in ${dir} (${missing.join(', ')}): run \`npm run cluster:build\` (needs Go)`);
  return paths;
}
