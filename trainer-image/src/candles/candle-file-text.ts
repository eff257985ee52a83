import { BadInputError } from '../../../core/errors.ts';

// How far into a file the encoding is judged: a text CSV has no NUL byte anywhere, and 4 KiB is plenty of rows.
const SNIFF_BYTES = 4096;

/**
 * The text of a candle CSV file, decoded as UTF-8 (a UTF-8 BOM is dropped). Files that are not UTF-8 text
 * are refused by name, saying what they are, instead of failing later on a header of garbage: UTF-16 or
 * UTF-32 (a byte-order mark, or NULs between ASCII characters), a zip or gzip archive (Binance's dumps come
 * zipped), or any other file holding NUL bytes.
 */
export function decodeCandleFile(bytes: Uint8Array, fileName: string): string {
  const problem = encodingProblem(bytes.subarray(0, SNIFF_BYTES));
  if (problem !== undefined) throw new BadInputError(`${fileName} ${problem}`, 'data');
  return new TextDecoder('utf-8').decode(bytes);
}

function encodingProblem(head: Uint8Array): string | undefined {
  const starts = (...prefix: number[]) => prefix.every((byte, i) => head[i] === byte);
  if (starts(0xff, 0xfe, 0, 0) || starts(0, 0, 0xfe, 0xff)) return 'is UTF-32 text: save it as UTF-8';
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) return 'is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'is a zip archive, not a CSV file: unzip it and pass the CSV inside';
  if (starts(0x1f, 0x8b)) return 'is gzip-compressed, not a CSV file: gunzip it first';
  const firstNul = head.indexOf(0);
  if (firstNul === -1) return undefined;
  if (looksLikeUtf16WithoutBom(head)) return 'is UTF-16 text (every other byte is NUL): save it as UTF-8';
  return `is not a text file (byte ${firstNul} is NUL, which no CSV holds): pass a CSV of candles`;
}

/** ASCII written as UTF-16: a NUL in every other position of one parity, and (almost) never in the other. */
function looksLikeUtf16WithoutBom(head: Uint8Array): boolean {
  const pairs = Math.floor(head.length / 2);
  if (pairs < 2) return false;
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) evenNuls++;
    if (head[i + 1] === 0) oddNuls++;
  }
  const mostly = (count: number) => count >= pairs * 0.9;
  const rarely = (count: number) => count <= pairs * 0.1;
  return (mostly(evenNuls) && rarely(oddNuls)) || (mostly(oddNuls) && rarely(evenNuls));
}
