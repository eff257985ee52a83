import type { V1PodSecurityContext, V1SecurityContext } from '@kubernetes/client-node';

/** UID the platform's images run as (every target of the root Dockerfile creates this user). */
export const IMAGE_USER_ID = 10_001;

/** Pod-level security context meeting the "restricted" Pod Security Standard. */
export function restrictedPodSecurityContext(): V1PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: IMAGE_USER_ID,
    runAsGroup: IMAGE_USER_ID,
    fsGroup: IMAGE_USER_ID,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context meeting the "restricted" Pod Security Standard, with a read-only root. */
export function restrictedContainerSecurityContext(): V1SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
