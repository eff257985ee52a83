import { describe, expect, it } from 'vitest';
import { artifactUri, canonicalJson, labelValue, servingName, shortHash, trainingJobName, trainingRunName } from './naming.ts';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('naming', () => {
  it('hashes independent of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(shortHash({ x: 1, y: 2 })).toBe(shortHash({ y: 2, x: 1 }));
    expect(shortHash({ x: 1 })).toMatch(/^[0-9a-f]{10}$/);
  });

  it('names a run after its ForecastModel and trigger, the same every time', () => {
    const a = trainingRunName('btc-usdt', { spec: 'abc', generation: 1 });
    expect(a).toMatch(/^btc-usdt-[0-9a-f]{10}$/);
    expect(trainingRunName('btc-usdt', { generation: 1, spec: 'abc' })).toBe(a);
    expect(trainingRunName('btc-usdt', { spec: 'abc', generation: 2 })).not.toBe(a);
  });

  it('keeps Job names within 63 characters', () => {
    expect(trainingJobName('btc-usdt-0123456789')).toBe('btc-usdt-0123456789-train');
    const long = trainingJobName('x'.repeat(80));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(dns1123Label);
    expect(trainingJobName('x'.repeat(80))).not.toBe(trainingJobName(`${'x'.repeat(79)}y`));
  });

  it('derives a DNS-1035 Service name from any ForecastModel name', () => {
    expect(servingName('btc-usdt')).toBe('btc-usdt-forecast');
    expect(servingName('1inch.usdt')).toBe('fm-1inch-usdt-forecast');
    const long = servingName(`a${'b'.repeat(100)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('makes label values valid', () => {
    expect(labelValue('btc-usdt')).toBe('btc-usdt');
    expect(labelValue('-a/b-')).toBe('a-b');
    expect(labelValue('y'.repeat(100)).length).toBeLessThanOrEqual(63);
  });

  it('lays artifacts out per namespace, model and run', () => {
    expect(artifactUri('s3://models', 'markets', 'btc', 'btc-1')).toBe('s3://models/markets/btc/btc-1/');
    expect(artifactUri('file:///data/', 'markets', 'btc', 'btc-1')).toBe('file:///data/markets/btc/btc-1/');
  });
});
