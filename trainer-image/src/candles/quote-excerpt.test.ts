import { describe, expect, it } from 'vitest';
import { quoteExcerpt } from './quote-excerpt.ts';

describe('quoteExcerpt', () => {
  it('quotes printable text as it is, escaping quotes and backslashes', () => {
    expect(quoteExcerpt('abc 1.5 é€')).toBe('"abc 1.5 é€"');
    expect(quoteExcerpt('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it('escapes control, format and replacement characters and cuts long text', () => {
    expect(quoteExcerpt('\u0000\u001b[2J\u200b\uFFFD\u2028')).toBe('"\\u0000\\u001b[2J\\u200b\\ufffd\\u2028"');
    expect(quoteExcerpt('x'.repeat(100), 5)).toBe('"xxxxx…"');
    expect(quoteExcerpt('\u{1F600}'.repeat(3), 2)).toBe('"\u{1F600}\u{1F600}…"');
  });
});
