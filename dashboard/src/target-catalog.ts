import type { DiscoveredModel } from './discovery/forecast-model-target.ts';
import { DashboardHttpError } from './http-error.ts';
import { validateTargets, type DashboardTarget, type TokenSource } from './targets.ts';

/** ForecastModels found in the cluster, and the token the dashboard presents to each of them. */
export interface DiscoverySource {
  models(): readonly DiscoveredModel[];
  readonly token: TokenSource;
}

/** Options of {@link createTargetCatalog}. */
export interface TargetCatalogOptions {
  /** Hand-written targets (services outside the cluster, or any URL); validated here. */
  readonly targets: readonly DashboardTarget[];
  readonly discovery?: DiscoverySource;
}

/** What the page learns of a target: never a URL or a token. Readiness and version are known for discovered ones only. */
export type TargetSummary = { readonly name: string } & Partial<Omit<DiscoveredModel, 'name' | 'url'>>;

/** The targets the dashboard serves right now: the configured ones first, then the discovered ones. */
export interface TargetCatalog {
  list(): TargetSummary[];
  /** The target to call, or a DashboardHttpError: 404 for an unknown name, 503 for a ForecastModel without an endpoint. */
  resolve(name: string): DashboardTarget;
}

/**
 * Merge the configured targets with the discovered ForecastModels, read afresh on every call so the picker follows
 * the watch. A configured name wins over a discovered one of the same name.
 */
export function createTargetCatalog(options: TargetCatalogOptions): TargetCatalog {
  const configured = new Map(validateTargets(options.targets).map((target) => [target.name, target]));
  const discovered = (): DiscoveredModel[] => (options.discovery?.models() ?? []).filter((model) => !configured.has(model.name));
  return {
    list() {
      const summaries: TargetSummary[] = [...configured.keys()].map((name) => ({ name }));
      for (const { url: _url, ...summary } of discovered()) summaries.push(summary);
      return summaries;
    },
    resolve(name) {
      const target = configured.get(name);
      if (target !== undefined) return target;
      const model = discovered().find((m) => m.name === name);
      if (model === undefined) {
        const known = this.list().map((t) => t.name).join(', ') || 'none configured';
        throw new DashboardHttpError(404, `unknown target "${name}" (known: ${known})`, { code: 'unknown_target', target: name });
      }
      if (model.url === undefined) {
        throw new DashboardHttpError(503, `target "${name}" has no endpoint yet: ${model.reason ?? 'the operator has not published one'}`, { code: 'target_not_ready', target: name });
      }
      return { name, url: model.url, token: options.discovery!.token };
    },
  };
}
