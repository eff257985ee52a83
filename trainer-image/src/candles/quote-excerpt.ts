/** Characters longer quoted text is cut to: enough to recognise a cell, short enough for one summary line. */
export const EXCERPT_MAX_CHARS = 40;

// Control, format, unassigned, private-use and surrogate code points, line and paragraph separators, and
// U+FFFD (what undecodable bytes become): none belongs in a message a terminal or a Pod status shows.
const UNPRINTABLE = /[\p{C}\p{Zl}\p{Zp}\uFFFD]/gu;

/**
 * `text` from a file, double-quoted for an error message: unprintable characters escaped as \uXXXX, and
 * cut to `maxChars` characters with "…" when longer, so a binary or huge cell never lands in a log raw.
 */
export function quoteExcerpt(text: string, maxChars = EXCERPT_MAX_CHARS): string {
  const characters = Array.from(text);
  const shown = characters.length > maxChars ? characters.slice(0, maxChars).join('') : text;
  const escaped = shown.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replace(UNPRINTABLE, escapeCodePoint);
  return `"${escaped}${characters.length > maxChars ? '…' : ''}"`;
}

function escapeCodePoint(character: string): string {
  const code = character.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
