// Mutations of genuine license keys are never accepted, unless the mutation gives back exactly a
// signed key; every rejection is one of the DESIGN.md section 4 reasons, and one that reads nothing
// from the payload (malformed, unsupported algorithm, signature invalid).
import { Buffer } from 'node:buffer';
import { createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import {
  MAX_TOKEN_BYTES,
  verifyLicenseToken,
  type LicenseVerification,
  type VerifyLicenseOptions,
} from '@liberty/license/verify';
import { signLicense } from '@liberty/license-cli';
import {
  DAY,
  FuzzTally,
  NOW,
  NOW_SECONDS,
  PRE_SIGNATURE_REASONS,
  anyCharacter,
  b64u,
  compactJws,
  createFuzzKeys,
  fromB64u,
  fuzzParameters,
  publicKeyDer,
  reasonKind,
  runsOf,
  timeoutFor,
  type FuzzKeys,
  type FuzzProperty,
  type RawSigner,
  type ReasonKind,
} from './fuzz-support.js';

interface SignedKey {
  label: string;
  token: string;
  /** What the verifier says about the key as signed (most are accepted; one has expired). */
  verdict: LicenseVerification;
}

let keys: FuzzKeys;
let options: VerifyLicenseOptions;
/** Genuine keys: every mutation starts from one of these. */
let pool: SignedKey[];
const tally = new FuzzTally();

function claimsFor(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = NOW_SECONDS - 30 * DAY;
  return {
    iss: 'test-vendor',
    aud: i % 2 === 0 ? 'liberty' : ['liberty', 'ai-doo'],
    sub: `customer-${i}`,
    iat,
    nbf: iat,
    exp: NOW_SECONDS + 335 * DAY,
    // Different lengths, so header / payload segments end on every base64url boundary.
    customer: `Acme ${'x'.repeat(i)}`,
    edition: 'enterprise',
    features: {
      connectors: ['jdedwards', 'sap'].slice(0, 1 + (i % 2)),
      apps: ['nomajde'],
      users: { max: 250 },
      ai: { providers: ['anthropic'], messagesPerDay: 5000 },
    },
    ...(i % 3 === 0 ? { products: ['pika', 'vera'], seats: 10 } : {}),
    ...overrides,
  };
}

beforeAll(async () => {
  keys = await createFuzzKeys();
  options = { keys: keys.trusted, audience: 'liberty', issuer: 'test-vendor', now: NOW };
  const current = { privateKey: keys.privateKeys.current };
  const signed: Array<[string, Promise<string>]> = [
    ...[0, 1, 2, 3, 4, 5].map((i): [string, Promise<string>] => [
      `kid current #${i}`,
      signLicense(claimsFor(i), { ...current, kid: 'current' }),
    ]),
    ['no kid (every key tried)', signLicense(claimsFor(7), current)],
    [
      'kid previous (rotated key)',
      signLicense(claimsFor(8), { privateKey: keys.privateKeys.previous, kid: 'previous' }),
    ],
    [
      'expired (replay after expiry)',
      signLicense(
        claimsFor(9, { iat: NOW_SECONDS - 400 * DAY, nbf: NOW_SECONDS - 400 * DAY, exp: NOW_SECONDS - DAY }),
        { ...current, kid: 'current' },
      ),
    ],
  ];
  pool = [];
  for (const [label, promise] of signed) {
    const token = await promise;
    pool.push({ label, token, verdict: await verifyLicenseToken(token, options) });
  }
});

afterAll(() => {
  if (process.env.FUZZ_RUNS) process.stdout.write(`${tally.report('token-mutations')}\n`);
});

/**
 * Verifies a mutant and checks the rules; returns the reason kind (for the tally). A mutant equal
 * to a signed key must get that key's verdict; any other must be rejected before or at the
 * signature, with no claims attached, with `expected` when the case pins one.
 */
async function checkMutant(candidate: unknown, expected?: ReasonKind | string): Promise<string> {
  const result = await verifyLicenseToken(candidate, options);
  const same = pool.find((key) => key.token === candidate);
  if (same) {
    expect(result).toEqual(same.verdict);
    return 'unchanged';
  }
  if (result.status !== 'rejected') {
    throw new Error(`a mutated key was accepted: ${String(candidate)}`);
  }
  const kind = reasonKind(result.reason);
  expect(PRE_SIGNATURE_REASONS).toContain(kind);
  expect(result).not.toHaveProperty('claims');
  if (expected !== undefined && kind !== expected) expect(result.reason).toBe(expected);
  return kind;
}

function run(property: FuzzProperty, arbitrary: fc.Arbitrary<{ token: unknown; expected?: ReasonKind | string }>) {
  return fc.assert(
    fc.asyncProperty(arbitrary, async ({ token, expected }) => {
      tally.add(property, await checkMutant(token, expected));
    }),
    fuzzParameters(property),
  );
}

// ---------------------------------------------------------------------------------------------
// Building blocks.

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const anyKey = () => fc.nat({ max: pool.length - 1 }).map((i) => pool[i]);
const segmentsOf = (token: string) => token.split('.') as [string, string, string];

/** Characters an attacker (or a bad copy-paste) puts in a key. */
const mutationChar = fc.oneof(
  fc.constantFrom(...B64URL.split('')),
  fc.constantFrom(
    '.',
    '=',
    '+',
    '/',
    ' ',
    '\t',
    '\n',
    '\r',
    '\0',
    '\u00a0',
    '\u2028',
    '\u200b',
    '\ufeff',
    '%',
    '"',
    '\\',
    '\ud800',
    '😀',
    'é',
    'Ａ',
    '‐',
  ),
  anyCharacter,
);

/** Sets an own property, `__proto__` included (plain assignment would change the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function decodeJson(segment: string): Record<string, unknown> {
  return JSON.parse(fromB64u(segment).toString('utf8')) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------

describe('fuzz: mutated license keys', () => {
  it('starts from genuine keys the verifier accepts (and one it reports expired)', () => {
    for (const key of pool.slice(0, -1)) expect(key.verdict).toMatchObject({ status: 'accepted' });
    expect(pool.at(-1)!.verdict).toMatchObject({ status: 'rejected', reason: 'expired (2026-01-14)' });
    // Every segment length modulo 4 occurs, so trailing-bit and padding mutations bite everywhere.
    const lengths = new Set(pool.flatMap((key) => segmentsOf(key.token).map((s) => s.length % 4)));
    expect([...lengths].sort()).toEqual([0, 2, 3]);
  });

  it(
    `character edits: flips, insertions, deletions, truncation, segment swaps, splices (${runsOf('character edits')} cases)`,
    async () => {
      type Edit =
        | { t: 'replace'; at: number; ch: string }
        | { t: 'insert'; at: number; text: string }
        | { t: 'delete'; at: number; length: number }
        | { t: 'truncate'; keep: number }
        | { t: 'drop-prefix'; drop: number }
        | { t: 'segments'; order: number[] }
        | { t: 'splice'; other: number; at: number }
        | { t: 'segment-from'; segment: number; other: number }
        | { t: 'toggle-case'; at: number };
      const edit: fc.Arbitrary<Edit> = fc.oneof(
        fc.record({ t: fc.constant('replace' as const), at: fc.nat(), ch: mutationChar }),
        fc.record({
          t: fc.constant('insert' as const),
          at: fc.nat(),
          text: fc.string({ unit: mutationChar, minLength: 1, maxLength: 8 }),
        }),
        fc.record({ t: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
        fc.record({ t: fc.constant('truncate' as const), keep: fc.nat() }),
        fc.record({ t: fc.constant('drop-prefix' as const), drop: fc.integer({ min: 1, max: 400 }) }),
        fc.record({ t: fc.constant('segments' as const), order: fc.array(fc.nat({ max: 2 }), { maxLength: 6 }) }),
        fc.record({ t: fc.constant('splice' as const), other: fc.nat({ max: 99 }), at: fc.nat() }),
        fc.record({ t: fc.constant('segment-from' as const), segment: fc.nat({ max: 2 }), other: fc.nat({ max: 99 }) }),
        fc.record({ t: fc.constant('toggle-case' as const), at: fc.nat() }),
      );
      const apply = (token: string, e: Edit): string => {
        const at = (n: number) => (token.length === 0 ? 0 : n % (token.length + 1));
        switch (e.t) {
          case 'replace': {
            const i = at(e.at) % Math.max(token.length, 1);
            return token.slice(0, i) + e.ch + token.slice(i + 1);
          }
          case 'insert':
            return token.slice(0, at(e.at)) + e.text + token.slice(at(e.at));
          case 'delete':
            return token.slice(0, at(e.at)) + token.slice(at(e.at) + e.length);
          case 'truncate':
            return token.slice(0, at(e.keep) === token.length ? token.length - 1 : at(e.keep));
          case 'drop-prefix':
            return token.slice(e.drop);
          case 'segments': {
            const parts = token.split('.');
            return e.order.map((i) => parts[i] ?? '').join('.');
          }
          case 'splice': {
            const other = pool[e.other % pool.length].token;
            return token.slice(0, at(e.at)) + other.slice(at(e.at));
          }
          case 'segment-from': {
            const parts = token.split('.');
            const other = pool[e.other % pool.length].token.split('.');
            parts[e.segment] = other[e.segment] ?? '';
            return parts.join('.');
          }
          case 'toggle-case': {
            const i = at(e.at) % Math.max(token.length, 1);
            const c = token.charAt(i);
            const toggled = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
            return token.slice(0, i) + toggled + token.slice(i + 1);
          }
        }
      };
      await run(
        'character edits',
        fc.tuple(anyKey(), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([key, edits]) => ({
          token: edits.reduce(apply, key.token),
        })),
      );
    },
    timeoutFor('character edits'),
  );

  it(
    `decoded bit flips, re-encoded canonically, reach the signature check (${runsOf('decoded bit flips')} cases)`,
    async () => {
      type ByteEdit =
        | { t: 'flip'; at: number; bit: number }
        | { t: 'set'; at: number; value: number }
        | { t: 'insert'; at: number; value: number }
        | { t: 'delete'; at: number };
      const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
        { weight: 4, arbitrary: fc.record({ t: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }) },
        fc.record({ t: fc.constant('set' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
        fc.record({ t: fc.constant('insert' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
        fc.record({ t: fc.constant('delete' as const), at: fc.nat() }),
      );
      const applyBytes = (bytes: Buffer, e: ByteEdit): Buffer => {
        const i = e.at % Math.max(bytes.length, 1);
        const copy = Buffer.from(bytes);
        switch (e.t) {
          case 'flip':
            if (copy.length > 0) copy[i] ^= 1 << e.bit;
            return copy;
          case 'set':
            if (copy.length > 0) copy[i] = e.value;
            return copy;
          case 'insert':
            return Buffer.concat([copy.subarray(0, i), Buffer.from([e.value]), copy.subarray(i)]);
          case 'delete':
            return Buffer.concat([copy.subarray(0, i), copy.subarray(i + 1)]);
        }
      };
      await run(
        'decoded bit flips',
        fc
          .tuple(anyKey(), fc.nat({ max: 2 }), fc.array(byteEdit, { minLength: 1, maxLength: 3 }))
          .map(([key, segment, edits]) => {
            const parts = segmentsOf(key.token);
            parts[segment] = edits.reduce(applyBytes, fromB64u(parts[segment])).toString('base64url');
            // The payload and the signature are opaque until the signature verifies.
            return { token: parts.join('.'), expected: segment === 0 ? undefined : ('signature invalid' as const) };
          }),
      );
      expect(tally.count('decoded bit flips', 'signature invalid')).toBeGreaterThan(runsOf('decoded bit flips') / 2);
    },
    timeoutFor('decoded bit flips'),
  );

  it(
    `re-encodings of the same bytes are malformed: padding, whitespace, +/, trailing bits, wrappers (${runsOf('re-encodings')} cases)`,
    async () => {
      const whitespace = fc.constantFrom(
        ' ',
        '\t',
        '\n',
        '\r',
        '\r\n',
        '\u00a0',
        '\ufeff',
        '\u2028',
        '\u000b',
        '\u000c',
      );
      const reencode: fc.Arbitrary<(token: string) => string> = fc.oneof(
        // `=` padding after a segment (jose on Node 20 would ignore it).
        fc.tuple(fc.nat({ max: 2 }), fc.integer({ min: 1, max: 3 })).map(([s, n]) => (token: string) => {
          const parts = segmentsOf(token);
          parts[s] += '='.repeat(n);
          return parts.join('.');
        }),
        // Whitespace anywhere: around the key, around the dots, inside a segment.
        fc.tuple(whitespace, fc.oneof(fc.constant(-1), fc.nat())).map(([ws, at]) => (token: string) => {
          if (at === -1) return `${ws}${token}${ws}`;
          const i = at % (token.length + 1);
          return token.slice(0, i) + ws + token.slice(i);
        }),
        // The standard base64 alphabet (and its padding) instead of base64url.
        fc.tuple(fc.nat({ max: 2 }), fc.boolean()).map(([s, pad]) => (token: string) => {
          const parts = segmentsOf(token);
          const standard = fromB64u(parts[s]).toString('base64');
          parts[s] = pad ? standard : standard.replace(/=+$/, '');
          return parts.join('.');
        }),
        // Non-zero unused bits in a segment's last character: same bytes, other spelling.
        fc.tuple(fc.nat({ max: 2 }), fc.integer({ min: 1, max: 15 })).map(([s, bits]) => (token: string) => {
          const parts = segmentsOf(token);
          const segment = parts[s];
          const unused = segment.length % 4 === 2 ? 4 : segment.length % 4 === 3 ? 2 : 0;
          const mask = (1 << unused) - 1;
          if (unused === 0 || (bits & mask) === 0) return `${token}=`;
          const last = B64URL.indexOf(segment.at(-1)!);
          parts[s] = segment.slice(0, -1) + B64URL[last | (bits & mask)];
          return parts.join('.');
        }),
        // Wrappers a user might paste: quotes, a scheme, a trailing dot, JWE-like five parts.
        fc.constantFrom(
          (t: string) => `"${t}"`,
          (t: string) => `'${t}'`,
          (t: string) => `Bearer ${t}`,
          (t: string) => `${t}.`,
          (t: string) => `.${t}`,
          (t: string) => `${t}..`,
          (t: string) => `${t}.${segmentsOf(t)[2]}`,
          (t: string) =>
            `${segmentsOf(t)[0]}..${segmentsOf(t)[1]}.${segmentsOf(t)[2]}.${segmentsOf(t)[2].slice(0, 22)}`,
          (t: string) => `${segmentsOf(t)[0]}.${segmentsOf(t)[1]}.`,
          (t: string) => t.replace(/-/g, '%2D').replace(/_/g, '%5F') + (/[-_]/.test(t) ? '' : '%3D'),
          (t: string) => Buffer.from(t).toString('base64'),
          (t: string) => encodeURIComponent(`${t}=`),
          (t: string) => `${t}\0`,
        ),
      );
      await run(
        're-encodings',
        fc.tuple(anyKey(), reencode).map(([key, f]) => ({ token: f(key.token), expected: 'malformed' as const })),
      );
    },
    timeoutFor('re-encodings'),
  );

  it(
    `header rewrites keeping the signature are rejected (${runsOf('header rewrites keeping the signature')} cases)`,
    async () => {
      const jsonValue = fc.jsonValue({ maxDepth: 2 });
      const headerEdit: fc.Arbitrary<(h: Record<string, unknown>) => void> = fc.oneof(
        fc
          .constantFrom('JWT', 'jwt', 'JOSE', 'application/jwt', '', 42, null)
          .map((v) => (h: Record<string, unknown>) => setOwn(h, 'typ', v)),
        fc
          .constantFrom('current', 'previous', 'foreign', '', 'CURRENT', ' current', '../../etc/passwd', 42, null, [
            'current',
          ])
          .map((v) => (h: Record<string, unknown>) => setOwn(h, 'kid', v)),
        fc.constantFrom('kid', 'typ').map((k) => (h: Record<string, unknown>) => void delete h[k]),
        fc
          .constantFrom<Array<[string, unknown]>>(
            [
              ['crit', ['b64']],
              ['b64', false],
            ],
            [['crit', ['exp']]],
            [['crit', 'b64']],
            [['crit', []]],
            [['b64', false]],
            [
              ['b64', true],
              ['crit', ['b64']],
            ],
            [['jku', 'https://attacker.example/jwks.json']],
            [['x5u', 'https://attacker.example/cert.pem']],
            [['x5c', ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA']]],
            [['cty', 'JWT']],
            [['zip', 'DEF']],
            [['enc', 'A256GCM']],
          )
          .map((pairs) => (h: Record<string, unknown>) => pairs.forEach(([k, v]) => setOwn(h, k, v))),
        // Embeds the attacker's public key: the verifier must ignore keys carried by the token.
        fc.constant((h: Record<string, unknown>) => setOwn(h, 'jwk', { kty: 'RSA', n: 'AQAB', e: 'AQAB' })),
        fc
          .tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'alg '), fc.string()), jsonValue)
          .map(
            ([k, v]) =>
              (h: Record<string, unknown>) =>
                setOwn(h, k, v),
          ),
        fc
          .constantFrom('RS256', 'RS512', 'none', 'HS256')
          .map((alg) => (h: Record<string, unknown>) => setOwn(h, 'alg', alg)),
      );
      // [layout, whether JSON.parse still reads it]
      const layout = fc.constantFrom<[(h: Record<string, unknown>) => string, boolean]>(
        [(h) => JSON.stringify(h), true],
        [(h) => JSON.stringify(h, null, 1), true],
        [(h) => JSON.stringify(Object.fromEntries(Object.entries(h).reverse())), true],
        [(h) => ` ${JSON.stringify(h)}\n`, true],
        [(h) => `\ufeff${JSON.stringify(h)}`, false],
      );
      await run(
        'header rewrites keeping the signature',
        fc
          .tuple(anyKey(), fc.array(headerEdit, { minLength: 1, maxLength: 4 }), layout)
          .map(([key, edits, [format, parses]]) => {
            const [header, payload, signature] = segmentsOf(key.token);
            const h = decodeJson(header);
            for (const e of edits) e(h);
            const token = `${b64u(format(h))}.${payload}.${signature}`;
            const expected: ReasonKind | string | undefined = !parses
              ? 'malformed'
              : h.alg === 'RS256'
                ? undefined
                : typeof h.alg === 'string' && /^[\x20-\x7e]{0,32}$/.test(h.alg)
                  ? `unsupported algorithm (${h.alg})`
                  : 'unsupported algorithm';
            return { token, expected };
          }),
      );
    },
    timeoutFor('header rewrites keeping the signature'),
  );

  it(
    `claim rewrites keeping the signature are "signature invalid": extended expiry, added features (${runsOf('claim rewrites keeping the signature')} cases)`,
    async () => {
      await run(
        'claim rewrites keeping the signature',
        fc
          .tuple(anyKey(), fc.array(claimEdit(), { minLength: 1, maxLength: 4 }), payloadLayout())
          .map(([key, edits, format]) => {
            const [header, payload, signature] = segmentsOf(key.token);
            const claims = decodeJson(payload);
            for (const e of edits) e(claims);
            return { token: `${header}.${b64u(format(claims))}.${signature}`, expected: 'signature invalid' as const };
          }),
      );
    },
    timeoutFor('claim rewrites keeping the signature'),
  );

  it(
    `keys re-signed by a foreign key (or by the other trusted key under a wrong kid) are "signature invalid" (${runsOf('re-signed by a foreign key')} cases)`,
    async () => {
      const signer = fc.constantFrom(
        { key: () => keys.privateKeys.foreign, kids: [undefined, 'current', 'previous', 'foreign', 'unknown'] },
        { key: () => keys.privateKeys.previous, kids: ['current'] },
        { key: () => keys.privateKeys.current, kids: ['previous'] },
      );
      const extraHeader = fc.constantFrom<Record<string, unknown>>(
        {},
        { typ: 'JWT' },
        { jwk: null }, // replaced by the foreign public JWK below: the embedded-key attack
        { jku: 'https://attacker.example/jwks.json' },
        { x5c: ['MIIB'] },
        { crit: ['b64'], b64: false },
      );
      await run(
        're-signed by a foreign key',
        fc
          .tuple(
            anyKey(),
            signer,
            fc.nat(),
            extraHeader,
            fc.array(claimEdit(), { maxLength: 4 }),
            payloadLayout(),
            fc.boolean(),
          )
          .map(([key, s, kidIndex, extra, edits, format, garbagePayload]) => {
            const kid = s.kids[kidIndex % s.kids.length];
            const header: Record<string, unknown> = { alg: 'RS256', ...(kid ? { kid } : {}), ...extra };
            if ('jwk' in header) header.jwk = publicJwk(keys.foreign.publicKey);
            const claims = decodeJson(segmentsOf(key.token)[1]);
            for (const e of edits) e(claims);
            const payload = garbagePayload && edits.length === 0 ? Buffer.from([0xff, 0xfe, 0x7b]) : format(claims);
            const token = compactJws(JSON.stringify(header), payload, { kind: 'rsa', alg: 'RS256', key: s.key() });
            return { token, expected: 'signature invalid' as const };
          }),
      );
      expect(tally.count('re-signed by a foreign key', 'signature invalid')).toBe(
        tally.total('re-signed by a foreign key'),
      );
    },
    timeoutFor('re-signed by a foreign key'),
  );

  it(
    `algorithm swaps are "unsupported algorithm": none, HS256 with the public key, RS512/PS256 by the trusted key, look-alikes (${runsOf('algorithm swaps')} cases)`,
    async () => {
      type Swap = { alg: unknown; signer: () => RawSigner | 'empty'; rawHeader?: (claimsAlg: string) => string };
      const trustedPem = () => keys.current.publicKey;
      const swap = fc.oneof(
        fc.constantFrom<Swap>(
          { alg: 'none', signer: () => 'empty' },
          { alg: 'none', signer: () => ({ kind: 'bytes', signature: Buffer.from('x') }) },
          { alg: 'HS256', signer: () => ({ kind: 'hmac', alg: 'HS256', secret: trustedPem() }) },
          { alg: 'HS256', signer: () => ({ kind: 'hmac', alg: 'HS256', secret: publicKeyDer(trustedPem()) }) },
          { alg: 'HS384', signer: () => ({ kind: 'hmac', alg: 'HS384', secret: trustedPem() }) },
          { alg: 'HS512', signer: () => ({ kind: 'hmac', alg: 'HS512', secret: '' }) },
          { alg: 'RS384', signer: () => ({ kind: 'rsa', alg: 'RS384', key: keys.privateKeys.current }) },
          { alg: 'RS512', signer: () => ({ kind: 'rsa', alg: 'RS512', key: keys.privateKeys.current }) },
          { alg: 'PS256', signer: () => ({ kind: 'rsa', alg: 'PS256', key: keys.privateKeys.current }) },
          { alg: 'PS512', signer: () => ({ kind: 'rsa', alg: 'PS512', key: keys.privateKeys.current }) },
        ),
        // Names that only look like RS256, each with a genuine RS256 signature by the trusted key.
        fc
          .constantFrom<unknown>(
            'rs256',
            'RS256 ',
            ' RS256',
            'RS 256',
            'RS256\0',
            'ＲＳ256',
            'RS256\n',
            'RS2560',
            '',
            null,
            256,
            true,
            ['RS256'],
            { alg: 'RS256' },
            undefined,
          )
          .map((alg): Swap => ({ alg, signer: () => ({ kind: 'rsa', alg: 'RS256', key: keys.privateKeys.current }) })),
        fc
          .tuple(
            fc.constantFrom('ES256', 'ES512', 'EdDSA', 'Ed25519', 'RSA-OAEP', 'dir', 'A256GCM', 'ES256K'),
            fc.uint8Array({ minLength: 1, maxLength: 512 }),
          )
          .map(([alg, bytes]): Swap => ({ alg, signer: () => ({ kind: 'bytes', signature: bytes }) })),
        // Duplicate `alg` members: the last one counts, for the verifier and for jose alike.
        fc.constantFrom<Swap>(
          {
            alg: 'none',
            signer: () => ({ kind: 'bytes', signature: Buffer.from('x') }),
            rawHeader: () => '{"alg":"RS256","alg":"none"}',
          },
          {
            alg: 'HS256',
            signer: () => ({ kind: 'hmac', alg: 'HS256', secret: trustedPem() }),
            rawHeader: () => '{"alg":"RS256","kid":"current","alg":"HS256"}',
          },
        ),
      );
      await run(
        'algorithm swaps',
        fc.tuple(anyKey(), swap).map(([key, s]) => {
          const payload = fromB64u(segmentsOf(key.token)[1]);
          const header =
            s.rawHeader?.(String(s.alg)) ??
            JSON.stringify({ ...(s.alg !== undefined ? { alg: s.alg } : {}), kid: 'current' });
          const signer = s.signer();
          const token = signer === 'empty' ? `${b64u(header)}.${b64u(payload)}.` : compactJws(header, payload, signer);
          const simple = typeof s.alg === 'string' && /^[\x20-\x7e]{0,32}$/.test(s.alg);
          const expected =
            signer === 'empty'
              ? 'malformed'
              : simple
                ? `unsupported algorithm (${s.alg as string})`
                : ('unsupported algorithm' as const);
          return { token, expected };
        }),
      );
      expect(tally.count('algorithm swaps', 'unsupported algorithm')).toBeGreaterThan(runsOf('algorithm swaps') / 2);
    },
    timeoutFor('algorithm swaps'),
  );

  it(
    `non-string input and keys over ${MAX_TOKEN_BYTES} characters are malformed (${runsOf('non-string and oversize input')} cases)`,
    async () => {
      const input = fc.oneof(
        fc.anything({
          withBoxedValues: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withBigInt: true,
          withNullPrototype: true,
        }),
        anyKey().map((key) => Buffer.from(key.token)),
        anyKey().map((key) => segmentsOf(key.token)),
        anyKey().map((key) => ({ toString: () => key.token })),

        anyKey().map((key) => new String(key.token)),
        fc.tuple(anyKey(), fc.integer({ min: 1, max: 4 * MAX_TOKEN_BYTES })).map(([key, n]) => {
          const [h, p, s] = segmentsOf(key.token);
          const grown = `${h}.${p}${'A'.repeat(Math.max(n, MAX_TOKEN_BYTES + 1 - key.token.length))}.${s}`;
          return grown;
        }),
      );
      await run(
        'non-string and oversize input',
        input.map((token) => ({ token, expected: 'malformed' as const })),
      );
    },
    timeoutFor('non-string and oversize input'),
  );

  it('a genuinely signed key is accepted at exactly 8 KiB and malformed one character over', async () => {
    // Grows an ignored claim until the key has exactly `length` characters (with or without a kid,
    // whichever reaches it: a base64url segment cannot have a length of 1 modulo 4).
    const sized = async (length: number): Promise<string> => {
      for (const kid of ['current', undefined]) {
        const sign = (pad: number) =>
          signLicense(claimsFor(1, { pad: 'p'.repeat(pad) }), { privateKey: keys.privateKeys.current, kid });
        const [h, p, s] = segmentsOf(await sign(0));
        const payloadBytes = fromB64u(p).length;
        for (let pad = 0; pad < MAX_TOKEN_BYTES; pad += 1) {
          const total = h.length + Math.ceil(((payloadBytes + pad) * 4) / 3) + s.length + 2;
          if (total > length) break;
          if (total === length) return sign(pad);
        }
      }
      throw new Error(`no key of exactly ${length} characters`);
    };
    const atLimit = await sized(MAX_TOKEN_BYTES);
    expect(atLimit).toHaveLength(MAX_TOKEN_BYTES);
    expect(await verifyLicenseToken(atLimit, options)).toMatchObject({ status: 'accepted' });
    const over = await sized(MAX_TOKEN_BYTES + 1);
    expect(over).toHaveLength(MAX_TOKEN_BYTES + 1);
    expect(await verifyLicenseToken(over, options)).toEqual({ status: 'rejected', reason: 'malformed' });
  });
});

// ---------------------------------------------------------------------------------------------

/** Edits an attacker makes to claims: later expiry, more features, other customer, odd members. */
function claimEdit(): fc.Arbitrary<(c: Record<string, unknown>) => void> {
  return fc.oneof(
    fc.integer({ min: 1, max: 100 * 365 }).map((days) => (c: Record<string, unknown>) => {
      c.exp = (c.exp as number) + days * DAY;
    }),
    fc.constant((c: Record<string, unknown>) => {
      c.exp = 253_402_300_799;
    }),
    fc.constantFrom('exp', 'nbf', 'iat', 'aud', 'iss').map((k) => (c: Record<string, unknown>) => void delete c[k]),
    fc.string({ maxLength: 12 }).map((customer) => (c: Record<string, unknown>) => {
      c.customer = customer;
    }),
    fc.constantFrom('snowflake', 'sap', 'everything').map((id) => (c: Record<string, unknown>) => {
      const f = (c.features ?? {}) as Record<string, unknown>;
      f.connectors = [...((f.connectors as string[] | undefined) ?? []), id];
      c.features = f;
    }),
    fc.integer({ min: 0, max: 1_000_000_000 }).map((seats) => (c: Record<string, unknown>) => {
      c.seats = seats;
    }),
    fc.constantFrom('liberty', 'other', ['liberty']).map((aud) => (c: Record<string, unknown>) => {
      c.aud = aud;
    }),
    fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', 'admin'), fc.jsonValue({ maxDepth: 2 })).map(
      ([k, v]) =>
        (c: Record<string, unknown>) =>
          setOwn(c, k, v),
    ),
  );
}

/** How the edited claims are written: compact, pretty, reordered, or with a duplicate `exp`. */
function payloadLayout(): fc.Arbitrary<(c: Record<string, unknown>) => string> {
  return fc.constantFrom<(c: Record<string, unknown>) => string>(
    (c) => JSON.stringify(c),
    (c) => JSON.stringify(c, null, 2),
    (c) => JSON.stringify(Object.fromEntries(Object.entries(c).reverse())),
    (c) => `${JSON.stringify(c).slice(0, -1)},"exp":99999999999}`,
    (c) => `${JSON.stringify(c)} `,
  );
}

/** The attacker's public key as a JWK, as an embedded `jwk` header would carry it. */
function publicJwk(pem: string): Record<string, unknown> {
  return createPublicKey(pem).export({ format: 'jwk' });
}
