/**
 * `npm run cluster:build`: build the control plane the tests and `npm run cluster` run (etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler and kubectl) from the Go modules pinned in local-cluster/go, into a
 * cache folder outside the repository keyed by those versions. A warm cache costs one `stat` per binary.
 *
 *   npm run cluster:build             # build when needed, print where the binaries are
 *   npm run cluster:build -- --json   # the same as one JSON line
 *   node scripts/cluster-build.ts --quiet   # print nothing on a warm cache (npm test runs this first)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_PLANE_BINARIES, clusterBinDir, clusterGoModuleDir, readPinnedVersions } from '../local-cluster/binaries.ts';

const json = process.argv.includes('--json');
const quiet = process.argv.includes('--quiet');

function fail(message: string): never {
  console.error(`cluster:build: ${message}`);
  process.exit(1);
}

const moduleDir = clusterGoModuleDir();
const versions = readPinnedVersions();
const binDir = clusterBinDir(versions);
const missing = CONTROL_PLANE_BINARIES.filter((binary) => !existsSync(join(binDir, binary)));

if (missing.length > 0) {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    fail(`the Go toolchain is needed to build the control plane and was not found (${go.error?.message ?? go.stderr.trim()}); install Go ${versions.go} or newer`);
  }
  const started = performance.now();
  console.error(`cluster:build: building ${missing.join(', ')} (Kubernetes ${versions.kubernetes}, etcd ${versions.etcd}) into ${binDir}; a cold build downloads ~600 MB of modules and takes about 10 minutes on 2 cores`);
  // Build into a sibling folder and rename it into place, so an interrupted build never looks complete.
  const partial = `${binDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  // The same version stamps the release's own build (hack/lib/version.sh) sets: helm's kubeVersion check and
  // kubectl's version skew warning read them from /version.
  const [major, minor] = versions.kubernetes.replace(/^v/, '').split('.');
  const stamp = (pkg: string) => [`-X ${pkg}.gitVersion=${versions.kubernetes}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`, `-X ${pkg}.gitTreeState=clean`];
  const ldflags = ['-s', '-w', ...stamp('k8s.io/component-base/version'), ...stamp('k8s.io/client-go/pkg/version')].join(' ');
  const build = spawnSync(
    'go',
    ['build', '-trimpath', `-ldflags=${ldflags}`, '-o', partial, 'k8s.io/kubernetes/cmd/kube-apiserver', 'k8s.io/kubernetes/cmd/kube-controller-manager', 'k8s.io/kubernetes/cmd/kube-scheduler', 'k8s.io/kubernetes/cmd/kubectl', './etcd'],
    { cwd: moduleDir, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, GOFLAGS: `${process.env.GOFLAGS ?? ''} -mod=readonly`.trim() } },
  );
  if (build.error || build.status !== 0) {
    rmSync(partial, { recursive: true, force: true });
    fail(`go build failed (${build.error?.message ?? `exit ${build.status}`}); a failed module download shows above as "go: downloading" or "dial tcp" errors, check GOPROXY`);
  }
  writeFileSync(join(partial, 'VERSIONS.json'), `${JSON.stringify(versions, null, 2)}\n`);
  rmSync(binDir, { recursive: true, force: true });
  renameSync(partial, binDir);
  console.error(`cluster:build: built in ${Math.round((performance.now() - started) / 1000)} s`);
}

if (json) console.log(JSON.stringify({ binDir, ...versions }));
else if (!quiet) console.log(binDir);
