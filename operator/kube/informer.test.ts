import { describe, expect, it } from 'vitest';
import { goneFromList } from './informer.ts';

const job = (resourceVersion: string) => ({ metadata: { name: 'btc-1-train', namespace: 'markets', resourceVersion } });

describe('an informer relisting', () => {
  it('keeps an object written after the list snapshot, though the list does not have it', () => {
    // Found with 1,000 ForecastModels on a real apiserver: a Job created (and cached) while a slow relist was
    // in flight was dropped, and its run failed with "Job … was deleted before it finished".
    expect(goneFromList(job('5021'), '5000')).toBe(false);
  });

  it('drops an object the snapshot should have had', () => {
    expect(goneFromList(job('4990'), '5000')).toBe(true);
    expect(goneFromList(job('5000'), '5000')).toBe(true);
  });

  it('drops when versions cannot be compared, as before', () => {
    expect(goneFromList(job('4990'), undefined)).toBe(true);
    expect(goneFromList(job('opaque'), '5000')).toBe(true);
  });
});
