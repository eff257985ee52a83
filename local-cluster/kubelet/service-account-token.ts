/** Service-account tokens for projected volumes, requested and rotated as the kubelet does, bound to the pod. */
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeRest } from '../../operator/kube/rest-client.ts';
import { VolumeSetupError } from './volume-files.ts';

/** What a serviceAccountToken projection asks for. */
export interface TokenWanted {
  readonly audience?: string;
  readonly expirationSeconds?: number;
}

/** Tokens of one pod's service account. */
export interface PodTokens {
  /** A valid token, renewed once 80% of its lifetime has passed (the kubelet's rule). */
  token(wanted: TokenWanted): Promise<string>;
}

interface IssuedToken {
  readonly token: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

interface TokenRequestAnswer {
  readonly status: { readonly token: string; readonly expirationTimestamp: string };
}

/** The kubelet's default token lifetime for projections that name none. */
const DEFAULT_EXPIRATION_SECONDS = 3_600;

/** Tokens for `pod`, through the TokenRequest API with the pod as bound object (NodeRestriction requires it). */
export function podTokens(rest: KubeRest, pod: V1Pod): PodTokens {
  const issued = new Map<string, IssuedToken>();
  const namespace = pod.metadata?.namespace ?? 'default';
  const serviceAccount = pod.spec?.serviceAccountName || 'default';
  return {
    async token(wanted) {
      const expirationSeconds = wanted.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
      const key = `${wanted.audience ?? ''}|${expirationSeconds}`;
      const now = Date.now();
      const current = issued.get(key);
      if (current && now < current.issuedAt + 0.8 * (current.expiresAt - current.issuedAt)) return current.token;
      let answer: TokenRequestAnswer;
      try {
        answer = await rest.create<TokenRequestAnswer>(`/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`, {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: {
            ...(wanted.audience ? { audiences: [wanted.audience] } : {}),
            expirationSeconds,
            boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name, uid: pod.metadata?.uid },
          },
        });
      } catch (cause) {
        // An old token still works until it expires: keep serving it through an API outage.
        if (current && now < current.expiresAt) return current.token;
        throw new VolumeSetupError(`MountVolume.SetUp failed: token for service account ${namespace}/${serviceAccount}: ${(cause as Error).message}`, { cause });
      }
      issued.set(key, { token: answer.status.token, issuedAt: now, expiresAt: Date.parse(answer.status.expirationTimestamp) });
      return answer.status.token;
    },
  };
}

/**
 * A kubeconfig reading the token from `tokenFile` on every refresh, as client-node's in-cluster loader does (so
 * rotation needs no restart). Processes get it through KUBECONFIG because the in-cluster paths are fixed.
 */
export function tokenFileKubeconfig(server: string, caPem: string, tokenFile: string, namespace: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'in-cluster', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: 'service-account', user: { 'auth-provider': { name: 'tokenFile', config: { tokenFile } } } }],
    contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'service-account', namespace } }],
    'current-context': 'in-cluster',
  });
}
