import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../core/errors.ts';
import { decodeCandleFile } from './candle-file-text.ts';

const TEXT = 'timestamp,open,high,low,close,volume\n1704067200000,1,2,1,1.5,3\n';

function refusal(bytes: Uint8Array): BadInputError {
  try {
    decodeCandleFile(bytes, 'x.csv');
  } catch (error) {
    if (error instanceof BadInputError) return error;
    throw error;
  }
  throw new Error('expected a BadInputError');
}

describe('decodeCandleFile', () => {
  it('decodes UTF-8, dropping a byte-order mark', () => {
    expect(decodeCandleFile(Buffer.from(TEXT), 'x.csv')).toBe(TEXT);
    expect(decodeCandleFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]), 'x.csv')).toBe(TEXT);
  });

  it('keeps a Latin-1 byte in a column the trainer does not read (it decodes to U+FFFD, not an error)', () => {
    expect(decodeCandleFile(Buffer.from([0x61, 0xe9, 0x0a]), 'x.csv')).toBe('a\uFFFD\n');
  });

  it.each([
    ['UTF-16 LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]), 'x.csv is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8'],
    ['UTF-16 BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(TEXT, 'utf16le').swap16()]), 'x.csv is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8'],
    ['UTF-16 LE without a BOM', Buffer.from(TEXT, 'utf16le'), 'x.csv is UTF-16 text (every other byte is NUL): save it as UTF-8'],
    ['UTF-32 LE', Buffer.from([0xff, 0xfe, 0, 0, 0x74, 0, 0, 0]), 'x.csv is UTF-32 text: save it as UTF-8'],
    ['a zip archive', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0]), 'x.csv is a zip archive, not a CSV file: unzip it and pass the CSV inside'],
    ['a gzip file', Buffer.from([0x1f, 0x8b, 0x08, 0]), 'x.csv is gzip-compressed, not a CSV file: gunzip it first'],
    ['a binary with a NUL byte', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 9, 9, 9, 9]), 'x.csv is not a text file (byte 7 is NUL, which no CSV holds): pass a CSV of candles'],
  ])('refuses %s, saying what it is', (_case, bytes, message) => {
    expect(refusal(bytes)).toMatchObject({ message, field: 'data' });
  });
});
