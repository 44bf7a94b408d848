import { normalisePastedKey } from './pasted-key.util.js';

const KEY = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl-_';

describe('normalisePastedKey', () => {
  const wrapped = KEY.match(/.{1,10}/g)!.join('\r\n');
  it.each<[string, string]>([
    ['as it is', KEY],
    ['surrounded by blanks and a trailing newline', `  ${KEY}\n`],
    ['wrapped at a fixed width (CRLF)', wrapped],
    ['wrapped and indented', KEY.match(/.{1,10}/g)!.join('\n    ')],
    ['in double quotes', `"${KEY}"`],
    ['in single quotes', `'${KEY}'`],
    ['in typographic quotes', `\u201c${KEY}\u201d`],
    ['in backticks', `\`${KEY}\``],
    ['with a Bearer prefix', `Bearer ${KEY}`],
    ['with a lower-case bearer prefix and a tab', `bearer\t${KEY}`],
    ['quoted with a Bearer prefix inside', `"Bearer ${KEY}"`],
    ['Bearer then quoted', `Bearer "${KEY}"`],
    ['with a byte-order mark (a key file)', `\uFEFF${KEY}\n`],
  ])('%s → the compact key', (_name, pasted) => {
    expect(normalisePastedKey(pasted)).toBe(KEY);
  });

  it('leaves what is not a key for the verifier to refuse', () => {
    expect(normalisePastedKey('"unbalanced')).toBe('"unbalanced');
    expect(normalisePastedKey('a.b')).toBe('a.b');
    expect(normalisePastedKey(42)).toBe(42);
    expect(normalisePastedKey('""')).toBe('');
  });
});
