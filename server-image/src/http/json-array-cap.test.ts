import { describe, expect, it } from 'vitest';
import { createJsonArrayItemCounter, uncountedBodyBytes, type JsonArrayCap } from './json-array-cap.ts';

const cap = (maxItems: number): JsonArrayCap => ({ key: 'candles', maxItems, refuse: () => new Error('too many') });

/** Whether `body`, pushed in chunks of `size` bytes, stays within the cap. */
function withinCap(body: string, maxItems: number, size = Infinity): boolean {
  const counter = createJsonArrayItemCounter(cap(maxItems));
  const bytes = Buffer.from(body, 'utf8');
  for (let i = 0; i < bytes.length; i += Math.min(size, bytes.length)) if (!counter.push(bytes.subarray(i, i + size))) return false;
  return true;
}

/** The most items the counter lets through: the smallest cap `body` stays within. */
function counted(body: string, size = Infinity): number {
  let max = 0;
  while (!withinCap(body, max, size)) max++;
  return max;
}

describe('createJsonArrayItemCounter', () => {
  it('counts the items of the capped array, whatever they are and however the body is cut', () => {
    const body = ' { "other" : [1,2,3,4] , "candles" : [ [1,2,"a]b,c"], {"x":[1,2],"y":"}"}, "s\\"]", 7, -1.5e3, true, null, [] ] , "after": [1,2,3,4,5,6] } ';
    for (const size of [1, 2, 3, 7, Infinity]) expect(counted(body, size), `chunks of ${size}`).toBe(8);
  });

  it('refuses once the array holds one item more than the cap, and not before', () => {
    const items = (n: number) => `{"candles":[${Array.from({ length: n }, (_, i) => `[${i},1,1,1,1,0]`).join(',')}]}`;
    expect(withinCap(items(100), 100, 5)).toBe(true);
    expect(withinCap(items(101), 100, 5)).toBe(false);
    // An array that never ends is refused at its 101st item.
    expect(withinCap(`{"candles":[${'0,'.repeat(101)}`, 100, 16)).toBe(false);
  });

  it('counts nothing for empty arrays, other keys, nested arrays or a top-level array', () => {
    expect(counted('{"candles":[]}')).toBe(0);
    expect(counted('{"candles":[   ]}')).toBe(0);
    expect(counted('{"candle":[1,2,3],"candles_":[1,2,3],"xcandles":[1,2,3]}')).toBe(0);
    expect(counted('{"x":{"candles":[1,2,3]}}')).toBe(0);
    expect(counted('[{"candles":[1,2,3]}]')).toBe(0);
    expect(counted('{"x":"candles","y":[1,2,3]}')).toBe(0);
    // Each occurrence of the key is counted on its own.
    expect(counted('{"candles":[1,2],"candles":[1,2,3]}')).toBe(3);
  });

  it('leaves a key written with escapes to the check after parsing', () => {
    expect(counted('{"c\\u0061ndles":[1,2,3]}')).toBe(0);
  });

  it('needs no counting below twice the cap in bytes: that many bytes cannot hold one item more', () => {
    const tightest = `[${'0,'.repeat(100)}0]`;
    expect(Buffer.byteLength(tightest)).toBeGreaterThan(uncountedBodyBytes(cap(100)));
  });
});
