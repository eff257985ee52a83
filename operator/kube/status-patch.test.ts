import { describe, expect, it } from 'vitest';
import { statusDiffers, statusMergePatch } from './status-patch.ts';

describe('status patches', () => {
  it('sees no difference in key order', () => {
    expect(statusDiffers({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toBe(false);
    expect(statusDiffers({ a: 1 }, { a: 2 })).toBe(true);
    expect(statusDiffers(undefined, {})).toBe(false);
  });

  it('nulls the fields that went away', () => {
    expect(statusMergePatch({ model: { version: 'a' }, endpoint: 'x', phase: 'Running' }, { phase: 'Failed', endpoint: undefined })).toEqual({
      status: { phase: 'Failed', model: null, endpoint: null },
    });
  });
});
