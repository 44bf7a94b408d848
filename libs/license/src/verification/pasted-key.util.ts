/** Quote pairs a paste may carry around the key: ASCII, typographic and backticks. */
const QUOTES: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ['`', '`'],
  ['\u201c', '\u201d'],
  ['\u2018', '\u2019'],
];
const BEARER = /^bearer\s+/i;

/**
 * A license key as an admin pastes it or a key file holds it, made compact: surrounding quotes
 * and a `Bearer ` prefix removed, then every whitespace character (line breaks of a key wrapped
 * at 76 columns by a mail client, tabs, a byte-order mark) inside it removed. A JWT's three
 * base64url segments never contain any of these, so nothing that could be part of a key is
 * touched; what remains goes through the strict verifier unchanged.
 * Anything that is not a string is returned as it is (the verifier calls it `malformed`).
 */
export function normalisePastedKey(pasted: string): string;
export function normalisePastedKey(pasted: unknown): unknown;
export function normalisePastedKey(pasted: unknown): unknown {
  if (typeof pasted !== 'string') return pasted;
  let text = pasted.replace(/^\uFEFF/, '').trim();
  // Up to two layers, in either order: `"Bearer eyJ…"` and `Bearer "eyJ…"`.
  for (let layer = 0; layer < 2; layer++) {
    const quote = QUOTES.find(([open, close]) => text.length >= 2 && text.startsWith(open) && text.endsWith(close));
    if (quote) text = text.slice(quote[0].length, text.length - quote[1].length).trim();
    if (BEARER.test(text)) text = text.replace(BEARER, '').trim();
  }
  return text.replace(/[\s\uFEFF]+/g, '');
}
