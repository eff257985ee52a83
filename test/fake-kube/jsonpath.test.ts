import { describe, expect, it } from 'vitest';
import { evaluateJsonPath, parseJsonPath } from './jsonpath.ts';

const object = {
  metadata: { name: 'btc', labels: { 'app.kubernetes.io/name': 'mur' } },
  spec: { market: { symbol: 'BTC/USDT' }, quantiles: [0.1, 0.5, 0.9] },
  status: {
    conditions: [
      { type: 'Trained', status: 'True' },
      { type: 'Ready', status: 'False', reason: 'Training' },
    ],
  },
};

describe('evaluateJsonPath', () => {
  it.each([
    ['.spec.market.symbol', ['BTC/USDT']],
    ['{.spec.market.symbol}', ['BTC/USDT']],
    ['.spec.quantiles[1]', [0.5]],
    ['.spec.quantiles[*]', [0.1, 0.5, 0.9]],
    [".metadata.labels['app.kubernetes.io/name']", ['mur']],
    ['.status.conditions[?(@.type=="Ready")].status', ['False']],
    [".status.conditions[?(@.type=='Trained')].status", ['True']],
    ['.status.conditions[?(@.type!="Ready")].type', ['Trained']],
    ['.status.conditions[?(@.reason)].type', ['Ready']],
    ['.status.conditions[?(@.type=="Serving")].status', []],
    ['.spec.missing.deeper', []],
  ])('%s', (path, expected) => {
    expect(evaluateJsonPath(object, path)).toEqual(expected);
  });

  it('rejects unsupported syntax with the offending part', () => {
    expect(() => parseJsonPath('.spec..x')).toThrow(/expected a field name at 6/);
    expect(() => parseJsonPath('.a[1:2]')).toThrow(/unsupported JSONPath subscript \[1:2\]/);
  });
});
