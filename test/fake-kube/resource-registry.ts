import { compareKubeVersions, parseApiVersion, type ResourceDefinition } from './resource-definition.ts';

/** One API group as discovery lists it: its versions, preferred first. */
export interface ServedGroup {
  name: string;
  versions: string[];
}

/**
 * The resources the server currently serves, looked up by URL (group/version/plural) or by
 * apiVersion + kind. CRDs add and remove entries at run time.
 */
export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceDefinition>();
  private readonly byKind = new Map<string, ResourceDefinition>();
  /** Group registration order, so discovery lists built-in groups first like the real server. */
  private readonly groupOrder: string[] = [];

  /** Adds or replaces the definition for its group/version/plural. */
  register(def: ResourceDefinition): void {
    const pathKey = `${def.group}/${def.version}/${def.plural}`;
    const previous = this.byPath.get(pathKey);
    if (previous) this.byKind.delete(`${def.group}/${def.version}/${previous.kind}`);
    this.byPath.set(pathKey, def);
    this.byKind.set(`${def.group}/${def.version}/${def.kind}`, def);
    if (!this.groupOrder.includes(def.group)) this.groupOrder.push(def.group);
  }

  /** Removes every definition a CRD contributed. */
  unregisterCrd(crdName: string): void {
    for (const [key, def] of this.byPath) {
      if (def.crdName !== crdName) continue;
      this.byPath.delete(key);
      this.byKind.delete(`${def.group}/${def.version}/${def.kind}`);
    }
  }

  /** The definition served at /apis/<group>/<version>/<plural>. */
  byResource(group: string, version: string, plural: string): ResourceDefinition | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  /** The definition for an object's apiVersion and kind. */
  byApiVersionKind(apiVersion: string, kind: string): ResourceDefinition | undefined {
    const { group, version } = parseApiVersion(apiVersion);
    return this.byKind.get(`${group}/${version}/${kind}`);
  }

  /** Every served definition. */
  all(): ResourceDefinition[] {
    return [...this.byPath.values()];
  }

  /** Definitions served under one group/version, in registration order. */
  inGroupVersion(group: string, version: string): ResourceDefinition[] {
    return this.all().filter((d) => d.group === group && d.version === version);
  }

  /** Served groups (core excluded) with their versions, preferred version first. */
  groups(): ServedGroup[] {
    const versionsByGroup = new Map<string, Set<string>>();
    for (const def of this.byPath.values()) {
      let versions = versionsByGroup.get(def.group);
      if (!versions) versionsByGroup.set(def.group, (versions = new Set()));
      versions.add(def.version);
    }
    return this.groupOrder
      .filter((g) => g !== '' && versionsByGroup.has(g))
      .map((name) => ({ name, versions: [...(versionsByGroup.get(name) ?? [])].sort(compareKubeVersions) }));
  }

  /** True when a namespaced plural exists in this group/version (used to disambiguate namespace URLs). */
  hasNamespacedPlural(group: string, version: string, plural: string): boolean {
    return this.byPath.get(`${group}/${version}/${plural}`)?.namespaced === true;
  }
}
