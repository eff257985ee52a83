import { describe, expect, it } from 'vitest';
import { operatorClusterRules, operatorNamespaceRules } from './rbac.ts';

describe('operator RBAC rules', () => {
  const rules = [...operatorClusterRules({ s3SecretName: 'mur-s3' }), ...operatorNamespaceRules()];

  it('has no wildcard anywhere', () => {
    for (const rule of rules) {
      expect([...rule.apiGroups, ...rule.resources, ...rule.verbs, ...(rule.resourceNames ?? [])]).not.toContain('*');
    }
  });

  it('only reads Secrets, and only the named S3 credentials', () => {
    const secretRules = rules.filter((r) => r.resources.includes('secrets'));
    expect(secretRules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['mur-s3'] }]);
  });

  it('only lists and watches ForecastModels: never writes their spec, never reads one by name', () => {
    const fm = rules.find((r) => r.resources.includes('forecastmodels'));
    expect(fm?.verbs).toEqual(['list', 'watch']);
  });

  it('never deletes a Deployment or Service: serving goes away only with its ForecastModel', () => {
    const serving = rules.filter((r) => r.resources.includes('deployments') || r.resources.includes('services'));
    expect(serving.flatMap((r) => r.verbs)).not.toContain('delete');
  });
});
