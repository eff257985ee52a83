import {
  createClusterIpAllocator,
  defaultDeployment,
  defaultJob,
  defaultNamespace,
  defaultPod,
  defaultSecret,
  defaultService,
  foldStringData,
  validateDeploymentUpdate,
  validateImmutableData,
  validateJobCreate,
  validateJobUpdate,
} from './builtin-defaults.ts';
import { coreToEventsV1, eventsV1ToCore, validateEventsV1Create } from './event-conversion.ts';
import { ALL_VERBS, type PrinterColumn, type ResourceDefinition, type ResourceHooks } from './resource-definition.ts';
import type { KubeObject } from './types.ts';

interface BuiltinSpec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  status?: boolean;
  generation?: boolean;
  nameRule?: 'subdomain' | 'label';
  returnsDeletedObject?: boolean;
  defaultPropagation?: 'Background' | 'Orphan';
  storageKey?: string;
  printerColumns?: PrinterColumn[];
  verbs?: string[];
  hooks?: ResourceHooks;
}

function define(spec: BuiltinSpec): ResourceDefinition {
  return {
    group: spec.group,
    version: spec.version,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    plural: spec.plural,
    singular: spec.kind.toLowerCase(),
    namespaced: spec.namespaced ?? true,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    verbs: spec.verbs ?? ALL_VERBS,
    hasStatusSubresource: spec.status ?? false,
    tracksGeneration: spec.generation ?? false,
    allowsUnconditionalUpdate: true,
    storageKey: spec.storageKey ?? (spec.group === '' ? spec.plural : `${spec.plural}.${spec.group}`),
    nameRule: spec.nameRule ?? 'subdomain',
    returnsDeletedObject: spec.returnsDeletedObject ?? false,
    defaultPropagation: spec.defaultPropagation ?? 'Background',
    ...(spec.printerColumns ? { printerColumns: spec.printerColumns } : {}),
    hooks: spec.hooks ?? {},
  };
}

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

/**
 * The built-in resources the operator and its tests use, fresh per server (the Service ClusterIP
 * allocator is per server). Table columns follow the real server's for the columns kubectl users
 * look at first.
 */
export function builtinResources(): ResourceDefinition[] {
  const allocateClusterIp = createClusterIpAllocator();
  return [
    define({
      group: '',
      version: 'v1',
      kind: 'Namespace',
      plural: 'namespaces',
      namespaced: false,
      shortNames: ['ns'],
      status: true,
      nameRule: 'label',
      verbs: ALL_VERBS.filter((v) => v !== 'deletecollection'),
      printerColumns: [{ name: 'Status', type: 'string', jsonPath: '.status.phase' }, AGE],
      hooks: { prepareForCreate: defaultNamespace, initialStatus: () => ({ phase: 'Active' }) },
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'Pod',
      plural: 'pods',
      shortNames: ['po'],
      categories: ['all'],
      status: true,
      returnsDeletedObject: true,
      printerColumns: [
        { name: 'Status', type: 'string', jsonPath: '.status.phase' },
        { name: 'Node', type: 'string', jsonPath: '.spec.nodeName', priority: 1 },
        AGE,
      ],
      hooks: { prepareForCreate: defaultPod, initialStatus: () => ({ phase: 'Pending' }) },
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'Service',
      plural: 'services',
      shortNames: ['svc'],
      categories: ['all'],
      status: true,
      nameRule: 'label',
      returnsDeletedObject: true,
      printerColumns: [
        { name: 'Type', type: 'string', jsonPath: '.spec.type' },
        { name: 'Cluster-IP', type: 'string', jsonPath: '.spec.clusterIP' },
        AGE,
      ],
      hooks: {
        prepareForCreate: (service) => defaultService(service, allocateClusterIp),
        initialStatus: () => ({ loadBalancer: {} }),
      },
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'Secret',
      plural: 'secrets',
      printerColumns: [{ name: 'Type', type: 'string', jsonPath: '.type' }, AGE],
      hooks: {
        prepareForCreate: defaultSecret,
        validateUpdate: (previous, next) => {
          foldStringData(next);
          return validateImmutableData(previous, next);
        },
      },
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      plural: 'configmaps',
      shortNames: ['cm'],
      hooks: { validateUpdate: validateImmutableData },
    }),
    define({
      group: '',
      version: 'v1',
      kind: 'Event',
      plural: 'events',
      shortNames: ['ev'],
      printerColumns: [
        { name: 'Type', type: 'string', jsonPath: '.type' },
        { name: 'Reason', type: 'string', jsonPath: '.reason' },
        { name: 'Message', type: 'string', jsonPath: '.message' },
        AGE,
      ],
    }),
    define({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      generation: true,
      plural: 'deployments',
      shortNames: ['deploy'],
      categories: ['all'],
      status: true,
      printerColumns: [
        { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
        { name: 'Available', type: 'integer', jsonPath: '.status.availableReplicas' },
        AGE,
      ],
      hooks: { prepareForCreate: defaultDeployment, initialStatus: () => ({}), validateUpdate: validateDeploymentUpdate },
    }),
    define({
      group: 'events.k8s.io',
      version: 'v1',
      kind: 'Event',
      plural: 'events',
      storageKey: 'events',
      printerColumns: [
        { name: 'Type', type: 'string', jsonPath: '.type' },
        { name: 'Reason', type: 'string', jsonPath: '.reason' },
        { name: 'Note', type: 'string', jsonPath: '.note' },
        AGE,
      ],
      hooks: {
        toStored: eventsV1ToCore,
        fromStored: coreToEventsV1,
        validateCreate: (event: KubeObject) => validateEventsV1Create(coreToEventsV1(event)),
      },
    }),
    define({
      group: 'batch',
      version: 'v1',
      kind: 'Job',
      generation: true,
      plural: 'jobs',
      categories: ['all'],
      status: true,
      defaultPropagation: 'Orphan',
      printerColumns: [
        { name: 'Completions', type: 'integer', jsonPath: '.status.succeeded' },
        { name: 'Active', type: 'integer', jsonPath: '.status.active' },
        { name: 'Failed', type: 'integer', jsonPath: '.status.failed' },
        AGE,
      ],
      hooks: {
        prepareForCreate: defaultJob,
        validateCreate: validateJobCreate,
        initialStatus: () => ({}),
        validateUpdate: validateJobUpdate,
      },
    }),
    define({
      group: 'policy',
      version: 'v1',
      kind: 'PodDisruptionBudget',
      generation: true,
      plural: 'poddisruptionbudgets',
      shortNames: ['pdb'],
      status: true,
      hooks: { initialStatus: () => ({}) },
    }),
    define({
      group: 'coordination.k8s.io',
      version: 'v1',
      kind: 'Lease',
      plural: 'leases',
      printerColumns: [{ name: 'Holder', type: 'string', jsonPath: '.spec.holderIdentity' }, AGE],
    }),
    define({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      kind: 'CustomResourceDefinition',
      generation: true,
      plural: 'customresourcedefinitions',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
      status: true,
      printerColumns: [{ name: 'Created At', type: 'string', jsonPath: '.metadata.creationTimestamp' }],
    }),
  ];
}
