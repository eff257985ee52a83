/** A most-items limit on one array of a JSON request body, enforced while the body streams in. */
export interface JsonArrayCap {
  /** Key of the array in the body's top-level object, e.g. `candles`. */
  readonly key: string;
  readonly maxItems: number;
  /** The error a body is refused with once the array holds more than `maxItems` items. */
  readonly refuse: () => Error;
}

/**
 * Largest body that cannot hold more than `cap.maxItems` items: every item takes at least one byte and
 * all but the first a comma too. Bodies up to this size need no counting at all.
 */
export function uncountedBodyBytes(cap: JsonArrayCap): number {
  return 2 * cap.maxItems;
}

/** Counts the items of the capped array in the bytes of a JSON body, chunk by chunk. */
export interface JsonArrayItemCounter {
  /** Scan the next bytes of the body; false once the array has grown past the cap. */
  push(chunk: Uint8Array): boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

// Byte classes outside strings; everything else (digits, letters, ".", "-", ":") is part of a value.
const VALUE = 0;
const SPACE = 1;
const STRING = 2;
const OPEN_OBJECT = 3;
const OPEN_ARRAY = 4;
const CLOSE = 5;
const COMMA = 6;
const CLASSES = new Uint8Array(256);
for (const byte of [0x20, 0x0a, 0x0d, 0x09]) CLASSES[byte] = SPACE;
CLASSES[QUOTE] = STRING;
CLASSES[0x7b] = OPEN_OBJECT;
CLASSES[0x5b] = OPEN_ARRAY;
CLASSES[0x7d] = CLOSE;
CLASSES[0x5d] = CLOSE;
CLASSES[0x2c] = COMMA;

/**
 * A byte-level scan for the capped array of `{"<key>": [...]}`, so an oversized array is refused before
 * the body is parsed or even fully received. It tracks only what it needs (nesting depth, strings, the
 * current top-level key) and never validates: malformed JSON is JSON.parse's to report. A key written with
 * escapes (`"c\u0061ndles"`) is not recognised here; the parsed body is counted again as a backstop.
 */
export function createJsonArrayItemCounter(cap: JsonArrayCap): JsonArrayItemCounter {
  const key = Buffer.from(cap.key, 'utf8');
  const { maxItems } = cap;
  let depth = 0;
  let inString = false;
  let escaped = false;
  // At depth 1 strings alternate between keys and values; only keys are compared with `key`.
  let expectingKey = false;
  let readingKey = false;
  let keyMatched = 0;
  let keyDiffers = false;
  let lastKeyIsCapped = false;
  let counting = false;
  // Inside the capped array, after "[" or ",": the next value byte starts an item.
  let expectingItem = false;
  let items = 0;

  return {
    push(chunk) {
      const length = chunk.length;
      for (let i = 0; i < length; i++) {
        let byte = chunk[i]!;
        if (inString) {
          if (!readingKey && !escaped) {
            // The bulk of a string needs no look at all: skip to its end or its next escape.
            while (byte !== QUOTE && byte !== BACKSLASH && ++i < length) byte = chunk[i]!;
            if (i === length) break;
          }
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) {
            escaped = true;
            keyDiffers = true;
          } else if (byte === QUOTE) {
            inString = false;
            if (readingKey) {
              readingKey = false;
              lastKeyIsCapped = !keyDiffers && keyMatched === key.length;
            }
          } else if (keyMatched < key.length && byte === key[keyMatched]) keyMatched++;
          else keyDiffers = true;
          continue;
        }
        const type = CLASSES[byte]!;
        if (type === SPACE) continue;
        if (expectingItem && type !== COMMA && !(type === CLOSE && byte === 0x5d)) {
          expectingItem = false;
          if (++items > maxItems) return false;
        }
        if (type === VALUE) continue;
        switch (type) {
          case STRING:
            inString = true;
            if (depth === 1 && expectingKey) {
              expectingKey = false;
              readingKey = true;
              keyMatched = 0;
              keyDiffers = false;
            }
            break;
          case OPEN_OBJECT:
            if (++depth === 1) expectingKey = true;
            break;
          case OPEN_ARRAY:
            if (++depth === 2 && lastKeyIsCapped) {
              counting = true;
              expectingItem = true;
              items = 0;
            }
            break;
          case CLOSE:
            if (--depth < 2) {
              counting = false;
              expectingItem = false;
            }
            break;
          case COMMA:
            if (depth === 1) {
              expectingKey = true;
              lastKeyIsCapped = false;
            } else if (counting && depth === 2) expectingItem = true;
            break;
        }
      }
      return true;
    },
  };
}
