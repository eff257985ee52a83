import { normaliseBaseUrl } from '../targets.ts';

/** What the dashboard shows of one ForecastModel: where it is served, whether it is ready, which model it serves. */
export interface DiscoveredModel {
  /** Target name in the dashboard's URLs: `<forecastmodel>.<namespace>`, like the start of its Service's DNS name. */
  readonly name: string;
  readonly namespace: string;
  readonly forecastModel: string;
  /** `status.endpoint`, normalised; undefined until the operator publishes one (or when it is not a URL). */
  readonly url: string | undefined;
  /** The `Ready` condition is True and there is an endpoint to call. */
  readonly ready: boolean;
  /** Why it is not ready, in words for the page. */
  readonly reason?: string;
  /** `status.model.version`: the model being served. */
  readonly modelVersion?: string;
  readonly symbol?: string;
  readonly exchange?: string;
  readonly timeframe?: string;
}

type Fields = Record<string, unknown>;

const fieldsOf = (value: unknown): Fields | undefined => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : undefined);
const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Read a ForecastModel as the API returns it (spec and status untrusted: a model the operator has not reached yet
 * has no status at all). Undefined for something without a name and namespace.
 */
export function describeForecastModel(object: unknown): DiscoveredModel | undefined {
  const metadata = fieldsOf(fieldsOf(object)?.metadata);
  const forecastModel = textOf(metadata?.name);
  const namespace = textOf(metadata?.namespace);
  if (forecastModel === undefined || namespace === undefined) return undefined;
  const market = fieldsOf(fieldsOf(fieldsOf(object)?.spec)?.market);
  const status = fieldsOf(fieldsOf(object)?.status);
  const readyCondition = Array.isArray(status?.conditions) ? status.conditions.map(fieldsOf).find((c) => c?.type === 'Ready') : undefined;
  const url = endpointOf(status?.endpoint);
  const modelVersion = textOf(fieldsOf(status?.model)?.version);
  const conditionTrue = readyCondition?.status === 'True';
  const ready = conditionTrue && url !== undefined;
  return {
    name: `${forecastModel}.${namespace}`,
    namespace,
    forecastModel,
    url,
    ready,
    ...(ready ? {} : { reason: notReadyReason(url, status?.endpoint, readyCondition, conditionTrue) }),
    ...optional('modelVersion', modelVersion),
    ...optional('symbol', textOf(market?.symbol)),
    ...optional('exchange', textOf(market?.exchange)),
    ...optional('timeframe', textOf(market?.timeframe)),
  };
}

function endpointOf(raw: unknown): string | undefined {
  if (textOf(raw) === undefined) return undefined;
  try {
    return normaliseBaseUrl(raw, 'status.endpoint');
  } catch {
    return undefined;
  }
}

function notReadyReason(url: string | undefined, rawEndpoint: unknown, condition: Fields | undefined, conditionTrue: boolean): string {
  if (url === undefined) return textOf(rawEndpoint) === undefined ? 'no endpoint yet (status.endpoint is empty)' : `status.endpoint "${String(rawEndpoint)}" is not an http(s) URL`;
  if (condition === undefined) return 'no Ready condition yet';
  if (conditionTrue) return '';
  const words = [textOf(condition.reason), textOf(condition.message)].filter((w) => w !== undefined);
  return words.length > 0 ? words.join(': ') : `Ready is ${String(condition.status)}`;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
