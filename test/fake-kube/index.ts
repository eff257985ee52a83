/** Public entry point of the fake Kubernetes API server used by the operator's tests. */
export { startFakeKubeApiServer, type FakeKubeApiServer, type FakeKubeApiServerOptions } from './server.ts';
export { FakeKubeStore, type CollectionRef, type ObjectRef } from './store-access.ts';
export type { RequestStats } from './request-stats.ts';
export type { Clock, KubeObject, ObjectMeta, OwnerReference } from './types.ts';
