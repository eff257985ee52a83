import { describe, expect, it } from 'vitest';
import { BadInputError } from '../errors.ts';
import { parseTrainingSpec } from '../spec.ts';
import { resolveForecastModelSpec, resolveTrainingRunSpec, trainerSpecOf } from './resolve.ts';

const market = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 500 };

describe('resolveForecastModelSpec', () => {
  it('fills every nested default when only the market is given', () => {
    const spec = resolveForecastModelSpec({ market });
    expect(spec.model.window).toBe(72);
    expect(spec.model.quantiles).toEqual([0.1, 0.5, 0.9]);
    expect(spec.training).toMatchObject({ gpu: false, backoffLimit: 1, activeDeadlineSeconds: 7200, successfulRunsHistoryLimit: 3, failedRunsHistoryLimit: 3, artifactRetention: 'Delete' });
    expect(spec.training.schedule).toBeUndefined();
    expect(spec.promotion).toEqual({ policy: 'BeatBaseline', metric: 'mase', significanceLevel: 0.05 });
    expect(spec.serving).toEqual({ replicas: 1 });
    expect(spec.suspend).toBe(false);
  });

  it('names the offending field', () => {
    expect(() => resolveForecastModelSpec({ market, serving: { replicas: 0 } })).toThrow(/spec\.serving\.replicas/);
    expect(() => resolveForecastModelSpec({ market, promotion: { policy: 'Sometimes' } })).toThrow(/spec\.promotion\.policy/);
    expect(() => resolveForecastModelSpec({ market: { ...market, symbol: 'btc-usdt' } })).toThrow(BadInputError);
  });

  it('rejects unknown fields so typos surface', () => {
    expect(() => resolveForecastModelSpec({ market, trainig: {} })).toThrow(/spec\.trainig: is not a known field/);
  });

  it('applies the trainer quantile rules', () => {
    expect(() => resolveForecastModelSpec({ market, model: { quantiles: [0.2, 0.8] } })).toThrow(/median 0\.5/);
  });

  it('accepts cron schedules and macros, refuses a single word', () => {
    expect(resolveForecastModelSpec({ market, training: { schedule: '0 */6 * * *' } }).training.schedule).toBe('0 */6 * * *');
    expect(resolveForecastModelSpec({ market, training: { schedule: '@daily' } }).training.schedule).toBe('@daily');
    expect(() => resolveForecastModelSpec({ market, training: { schedule: 'sometimes' } })).toThrow(/spec\.training\.schedule/);
  });
});

describe('resolveForecastModelSpec: serving scale', () => {
  it('resolves replicas to 1 when neither replicas nor autoscaling is given, and to minReplicas while autoscaling', () => {
    expect(resolveForecastModelSpec({ market, serving: { replicas: 3 } }).serving.replicas).toBe(3);
    const autoscaled = resolveForecastModelSpec({ market, serving: { autoscaling: { maxReplicas: 5 } } }).serving;
    expect(autoscaled).toEqual({ replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 80 } });
    expect(resolveForecastModelSpec({ market, serving: { autoscaling: { minReplicas: 2, maxReplicas: 5 } } }).serving.replicas).toBe(2);
  });

  it('refuses replicas together with autoscaling, and a floor above the ceiling', () => {
    expect(() => resolveForecastModelSpec({ market, serving: { replicas: 2, autoscaling: { maxReplicas: 5 } } })).toThrow(/spec\.serving\.replicas: must not be set together with autoscaling/);
    expect(() => resolveForecastModelSpec({ market, serving: { autoscaling: { minReplicas: 6, maxReplicas: 5 } } })).toThrow(/spec\.serving\.autoscaling\.minReplicas/);
    expect(() => resolveForecastModelSpec({ market, serving: { autoscaling: { minReplicas: 2 } } })).toThrow(/spec\.serving\.autoscaling\.maxReplicas: is required/);
  });

  it('accepts typed placement fields on serving and training and refuses unknown ones', () => {
    const spec = resolveForecastModelSpec({
      market,
      serving: { pinnedRun: 'btc-1', priorityClassName: 'high', affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] } } },
      training: { serviceAccountName: 'trainer', imagePullSecrets: [{ name: 'registry' }] },
    });
    expect(spec.serving.pinnedRun).toBe('btc-1');
    expect(spec.training.imagePullSecrets).toEqual([{ name: 'registry' }]);
    expect(() => resolveForecastModelSpec({ market, serving: { affinity: { nodeAffinity: { required: {} } } } })).toThrow(/spec\.serving\.affinity\.nodeAffinity\.required: is not a known field/);
    expect(() => resolveForecastModelSpec({ market, serving: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'Sometimes' }] } })).toThrow(/whenUnsatisfiable/);
    expect(() => resolveForecastModelSpec({ market, serving: { podLabels: { team: 'not a label value' } } })).toThrow(/spec\.serving\.podLabels/);
  });
});

describe('resolveTrainingRunSpec', () => {
  it('defaults a hand-written run to a Manual retrain', () => {
    const spec = resolveTrainingRunSpec({ forecastModel: 'btc', market });
    expect(spec.reason).toBe('Manual');
    expect(spec.training.gpu).toBe(false);
  });

  it('gives the trainer a spec its own parser accepts, without Job settings', () => {
    const spec = resolveTrainingRunSpec({ forecastModel: 'btc', reason: 'Scheduled', market, training: { gpu: true } });
    const trainer = trainerSpecOf(spec);
    expect(Object.keys(trainer).sort()).toEqual(['forecastModel', 'market', 'model', 'reason']);
    expect(parseTrainingSpec(JSON.parse(JSON.stringify(trainer))).market.symbol).toBe('BTC/USDT');
  });

  it('requires the owning ForecastModel', () => {
    expect(() => resolveTrainingRunSpec({ market })).toThrow(/spec\.forecastModel: is required/);
  });
});
