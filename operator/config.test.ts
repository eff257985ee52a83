import { describe, expect, it } from 'vitest';
import { parseOperatorConfig } from './config.ts';

const required = { MUR_TRAINER_IMAGE: 'ghcr.io/mur/trainer:1', MUR_SERVER_IMAGE: 'ghcr.io/mur/server:1' };

describe('parseOperatorConfig', () => {
  it('applies defaults around the two required images', () => {
    const config = parseOperatorConfig({ ...required, HOSTNAME: 'operator-0' });
    expect(config.watchNamespaces).toEqual([]);
    expect(config.s3SecretName).toBe('mur-s3');
    expect(config.artifactBaseUri).toBe('s3://mur-models/');
    expect(config.leaderElection).toMatchObject({ enabled: true, identity: 'operator-0', leaseDurationSeconds: 15 });
    expect(Object.isFrozen(config.leaderElection)).toBe(true);
  });

  it('reads lists, numbers, booleans and JSON resources', () => {
    const config = parseOperatorConfig({
      ...required,
      MUR_WATCH_NAMESPACES: 'markets, research',
      MUR_WORKERS: '4',
      MUR_LEADER_ELECT: 'false',
      MUR_ARTIFACT_BASE_URI: 's3://models/prod',
      MUR_TRAINER_RESOURCES: '{"requests":{"cpu":"4"},"limits":{"memory":"16Gi"}}',
    });
    expect(config.watchNamespaces).toEqual(['markets', 'research']);
    expect(config.workers).toBe(4);
    expect(config.leaderElection.enabled).toBe(false);
    expect(config.artifactBaseUri).toBe('s3://models/prod/');
    expect(config.trainerResources).toEqual({ requests: { cpu: '4' }, limits: { memory: '16Gi' } });
  });

  it('reads operator-wide placement defaults for trainer and inference pods', () => {
    const config = parseOperatorConfig({
      ...required,
      MUR_TRAINING_DEFAULTS: '{"nodeSelector":{"pool":"batch"},"tolerations":[{"key":"batch","operator":"Exists"}],"priorityClassName":"low"}',
      MUR_SERVING_DEFAULTS: '{"serviceAccountName":"forecaster","imagePullSecrets":[{"name":"registry"}],"podAnnotations":{"example.com/team":"desk"}}',
    });
    expect(config.trainingDefaults).toEqual({ nodeSelector: { pool: 'batch' }, tolerations: [{ key: 'batch', operator: 'Exists' }], priorityClassName: 'low' });
    expect(config.servingDefaults.serviceAccountName).toBe('forecaster');
    expect(parseOperatorConfig(required).servingDefaults).toEqual({});
    expect(() => parseOperatorConfig({ ...required, MUR_SERVING_DEFAULTS: '{"nodeselector":{}}' })).toThrow(/MUR_SERVING_DEFAULTS\.nodeselector: is not a known field/);
    expect(() => parseOperatorConfig({ ...required, MUR_TRAINING_DEFAULTS: 'pool=batch' })).toThrow(/MUR_TRAINING_DEFAULTS must be JSON/);
  });

  it('names the variable that is wrong', () => {
    expect(() => parseOperatorConfig({ MUR_SERVER_IMAGE: 'x' })).toThrow('MUR_TRAINER_IMAGE is required');
    expect(() => parseOperatorConfig({ ...required, MUR_WORKERS: 'many' })).toThrow('MUR_WORKERS "many" must be a whole number from 1 to 256');
    expect(() => parseOperatorConfig({ ...required, MUR_WATCH_NAMESPACES: 'Markets' })).toThrow(/MUR_WATCH_NAMESPACES/);
    expect(() => parseOperatorConfig({ ...required, MUR_ARTIFACT_BASE_URI: 'models' })).toThrow(/MUR_ARTIFACT_BASE_URI/);
    expect(() => parseOperatorConfig({ ...required, MUR_TRAINER_RESOURCES: '{"requests":{"cpu":[1]}}' })).toThrow(/MUR_TRAINER_RESOURCES\.requests\.cpu/);
  });

  it('scrapes the live record every minute with a 5 s timeout unless told otherwise', () => {
    expect(parseOperatorConfig(required)).toMatchObject({ liveScrapeSeconds: 60, liveScrapeTimeoutSeconds: 5 });
    expect(parseOperatorConfig({ ...required, MUR_LIVE_SCRAPE_SECONDS: '15', MUR_LIVE_SCRAPE_TIMEOUT_SECONDS: '2' })).toMatchObject({ liveScrapeSeconds: 15, liveScrapeTimeoutSeconds: 2 });
    expect(() => parseOperatorConfig({ ...required, MUR_LIVE_SCRAPE_TIMEOUT_SECONDS: '0' })).toThrow(/MUR_LIVE_SCRAPE_TIMEOUT_SECONDS/);
  });
});
