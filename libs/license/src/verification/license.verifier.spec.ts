import { jest } from '@jest/globals';
import { Buffer } from 'node:buffer';
import { CompactEncrypt } from 'jose';
import { craftJws, b64url, DAY_S, seconds } from '../../../../test/library/support/tokens.js';
import { generateLicenseKeyPair, signLicense, type PemKeyPair } from '../testing/license.signer.js';
import { MAX_TOKEN_BYTES } from './compact-jws.parser.js';
import { verifyLicenseToken, type LicenseVerification, type VerifyLicenseOptions } from './license.verifier.js';
import { publicKeySet, type PublicKeySet } from './public-keys.loader.js';

// RSA key generation and child processes are slow on a loaded 2-core CI machine; never a speed check.
jest.setTimeout(30_000);

// Every rule is checked at a fixed instant, so dates in reasons are exact.
const NOW = new Date('2026-04-19T12:00:00Z');
const EXP = Date.UTC(2026, 4, 19) / 1000; // 2026-05-19T00:00:00Z

let signer: PemKeyPair;
let otherSigner: PemKeyPair;
let keys: PublicKeySet;

beforeAll(async () => {
  [signer, otherSigner] = await Promise.all([generateLicenseKeyPair(2048), generateLicenseKeyPair(2048)]);
  const set = publicKeySet([[undefined, signer.publicKey]]);
  if (!set.ok) throw new Error(set.why);
  keys = set.keys;
});

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = seconds(NOW) - DAY_S;
  const all: Record<string, unknown> = {
    iss: 'nomana-it',
    aud: 'liberty',
    sub: 'acme',
    iat,
    nbf: iat,
    exp: EXP,
    customer: 'Acme Corp',
    edition: 'enterprise',
    features: { connectors: ['sap'], apps: ['nomajde'], users: { max: 250 } },
    ...overrides,
  };
  for (const key of Object.keys(all)) if (all[key] === undefined) delete all[key];
  return all;
}

const sign = (payload: Record<string, unknown> = claims(), privateKey = signer.privateKey) =>
  signLicense(payload, { privateKey });

const rs256 = (payload: string | object) => craftJws({ alg: 'RS256', typ: 'JWT' }, payload, 'RS256', signer.privateKey);

function verify(token: unknown, options: Partial<VerifyLicenseOptions> = {}): Promise<LicenseVerification> {
  return verifyLicenseToken(token, { keys, audience: 'liberty', issuer: ['nomana-it'], now: NOW, ...options });
}

/** Replaces the payload segment, keeping the signature (which then no longer matches). */
function withPayload(token: string, payload: object): string {
  const [header, , signature] = token.split('.');
  return `${header}.${b64url(payload)}.${signature}`;
}

/**
 * The signature segment spelled differently but decoding to the same bytes: a 256-byte signature
 * is 342 base64url characters whose last one carries 4 unused bits; setting one of them gives a
 * second spelling that lenient decoders accept.
 */
function nonCanonicalSignature(token: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = token.at(-1)!;
  const flipped = alphabet[alphabet.indexOf(last) ^ 1];
  const spelled = token.slice(0, -1) + flipped;
  // Same bytes, different text: exactly the ambiguity the verifier refuses.
  expect(Buffer.from(spelled.split('.')[2], 'base64url')).toEqual(Buffer.from(token.split('.')[2], 'base64url'));
  return spelled;
}

const date = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().slice(0, 10);

describe('verifyLicenseToken: a good key', () => {
  it('accepts an RS256 key signed by the configured key and returns its claims', async () => {
    const result = await verify(await sign());
    expect(result).toEqual({ status: 'accepted', claims: claims() });
  });

  it('accepts an audience array containing the configured audience', async () => {
    const result = await verify(await sign(claims({ aud: ['other', 'liberty'] })));
    expect(result.status).toBe('accepted');
  });

  it('accepts any of several configured issuers, and skips iss when none is configured', async () => {
    const token = await sign(claims({ iss: 'partner-oem' }));
    expect((await verify(token, { issuer: ['nomana-it', 'partner-oem'] })).status).toBe('accepted');
    expect((await verify(token, { issuer: undefined })).status).toBe('accepted');
  });

  it('accepts nbf and iat ahead of the clock by less than the tolerance', async () => {
    const ahead = seconds(NOW) + 30;
    const token = await sign(claims({ nbf: ahead, iat: ahead }));
    expect((await verify(token)).status).toBe('accepted');
    expect((await verify(token, { clockToleranceSeconds: 0 })).status).toBe('rejected');
  });

  it('accepts ai.doo claims (tier, products, seats)', async () => {
    const token = await sign(
      claims({ edition: undefined, features: undefined, tier: 'pro', products: ['pika', 'vera'], seats: 10 }),
    );
    const result = await verify(token);
    expect(result.status).toBe('accepted');
    expect(result.claims).toMatchObject({ tier: 'pro', products: ['pika', 'vera'], seats: 10 });
  });

  it('accepts a key of exactly the largest size and no byte more', async () => {
    // Pad an unknown claim until the token is exactly MAX_TOKEN_BYTES long.
    const base = await sign(claims({ pad: '' }));
    let pad = 'x'.repeat(Math.floor(((MAX_TOKEN_BYTES - base.length) * 3) / 4));
    let token = await sign(claims({ pad }));
    while (token.length < MAX_TOKEN_BYTES) token = await sign(claims({ pad: (pad += 'x') }));
    while (token.length > MAX_TOKEN_BYTES) token = await sign(claims({ pad: (pad = pad.slice(1)) }));
    expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_BYTES);
    expect((await verify(token)).status).toBe('accepted');
    const over = await sign(claims({ pad: pad + 'xxxx' }));
    expect(over.length).toBeGreaterThan(MAX_TOKEN_BYTES);
    expect(await verify(over)).toEqual({ status: 'rejected', reason: 'malformed' });
  });

  it('drops unknown claims and returns a frozen copy', async () => {
    const result = await verify(await sign(claims({ extra: 'ignored' })));
    expect(result.claims).not.toHaveProperty('extra');
    expect(Object.isFrozen(result.claims)).toBe(true);
    expect(Object.isFrozen(result.claims!.features!.connectors)).toBe(true);
  });
});

// One row per rejection reason and per strictness rule (DESIGN.md section 4).
type Row = [rule: string, token: () => Promise<unknown> | unknown, reason: string];

const rejections: Row[] = [
  // Shape: anything but one canonical compact JWS is `malformed`.
  ['not a string (undefined)', () => undefined, 'malformed'],
  ['not a string (number)', () => 42, 'malformed'],
  ['not a string (object)', () => ({ token: 'a.b.c' }), 'malformed'],
  ['empty string', () => '', 'malformed'],
  ['garbage', () => 'not a license key', 'malformed'],
  [
    'JWE (5 parts)',
    async () =>
      new CompactEncrypt(new TextEncoder().encode(JSON.stringify(claims())))
        .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })
        .encrypt((await import('node:crypto')).createPublicKey(signer.publicKey)),
    'malformed',
  ],
  ['two parts (signature cut off)', async () => (await sign()).split('.').slice(0, 2).join('.'), 'malformed'],
  ['empty signature segment', async () => (await sign()).replace(/[^.]+$/, ''), 'malformed'],
  [
    'truncated inside the payload',
    async () => {
      const t = await sign();
      return t.slice(0, t.indexOf('.') + 40);
    },
    'malformed',
  ],
  ['truncated inside the header', async () => (await sign()).slice(0, 10), 'malformed'],
  ['truncated by one character', async () => (await sign()).slice(0, -1), 'malformed'],
  [
    'truncated by two characters (shape still canonical, signature too short)',
    async () => (await sign()).slice(0, -2),
    'signature invalid',
  ],
  [
    'a space inside',
    async () => {
      const t = await sign();
      return `${t.slice(0, 40)} ${t.slice(40)}`;
    },
    'malformed',
  ],
  [
    'a newline inside',
    async () => {
      const t = await sign();
      return `${t.slice(0, 100)}\n${t.slice(100)}`;
    },
    'malformed',
  ],
  ['leading whitespace', async () => ` ${await sign()}`, 'malformed'],
  ['trailing newline', async () => `${await sign()}\n`, 'malformed'],
  ['= padding on the signature', async () => `${await sign()}==`, 'malformed'],
  [
    '= padding on the payload',
    async () => {
      const [h, p, s] = (await sign()).split('.');
      return `${h}.${p}=.${s}`;
    },
    'malformed',
  ],
  ['standard base64 characters (+ /)', async () => (await sign()).replace(/-/g, '+').replace(/_/g, '/'), 'malformed'],
  ['non-canonical signature encoding (padding bits set)', async () => nonCanonicalSignature(await sign()), 'malformed'],
  ['1 MB input', () => 'a'.repeat(1024 * 1024), 'malformed'],
  ['1 MB validly signed key', () => rs256(claims({ pad: 'x'.repeat(1024 * 1024) })), 'malformed'],
  ['four parts', async () => `${await sign()}.AAAA`, 'malformed'],
  ['header is not JSON', () => `${b64url('{alg:RS256')}.${b64url(claims())}.AAAA`, 'malformed'],
  ['header is a JSON array', () => `${b64url(['RS256'])}.${b64url(claims())}.AAAA`, 'malformed'],
  ['header is JSON null', () => `${b64url('null')}.${b64url(claims())}.AAAA`, 'malformed'],
  ['header is a JSON string', () => `${b64url('"RS256"')}.${b64url(claims())}.AAAA`, 'malformed'],
  ['payload is a signed JSON array', () => rs256('[1,2,3]'), 'malformed'],
  ['payload is signed JSON null', () => rs256('null'), 'malformed'],
  ['payload is signed non-JSON text', () => rs256('customer=Acme'), 'malformed'],
  [
    'header has crit',
    () => craftJws({ alg: 'RS256', crit: ['exp'], exp: 1 }, claims(), 'RS256', signer.privateKey),
    'malformed',
  ],
  [
    'header has b64: false',
    () => craftJws({ alg: 'RS256', b64: false, crit: ['b64'] }, claims(), 'RS256', signer.privateKey),
    'malformed',
  ],

  // Algorithm: only RS256; the header is checked before any key is used.
  [
    'alg none',
    () => craftJws({ alg: 'none', typ: 'JWT' }, claims(), 'none').concat('AAAA'),
    'unsupported algorithm (none)',
  ],
  ['alg none, empty signature', () => craftJws({ alg: 'none', typ: 'JWT' }, claims(), 'none'), 'malformed'],
  [
    'HS256 keyed with the public PEM',
    () => craftJws({ alg: 'HS256', typ: 'JWT' }, claims(), 'HS256', signer.publicKey),
    'unsupported algorithm (HS256)',
  ],
  [
    'RS512 by the right key',
    () => craftJws({ alg: 'RS512' }, claims(), 'RS512', signer.privateKey),
    'unsupported algorithm (RS512)',
  ],
  [
    'PS256 by the right key',
    () => craftJws({ alg: 'PS256' }, claims(), 'PS256', signer.privateKey),
    'unsupported algorithm (PS256)',
  ],
  [
    'alg missing',
    () => craftJws({ typ: 'JWT' }, claims(), 'RS256', signer.privateKey),
    'unsupported algorithm (undefined)',
  ],
  [
    'alg of the wrong case',
    () => craftJws({ alg: 'rs256' }, claims(), 'RS256', signer.privateKey),
    'unsupported algorithm (rs256)',
  ],
  [
    'alg with control characters is escaped and short',
    () => craftJws({ alg: `\u0000\u001b[31m${'X'.repeat(100)}` }, claims(), 'RS256', signer.privateKey),
    `unsupported algorithm (\\u0000\\u001b[31m${'X'.repeat(26)}…)`,
  ],
  [
    'alg with quotes and backslashes cannot close a quoted log field',
    () => craftJws({ alg: '\\") forged="yes' }, claims(), 'RS256', signer.privateKey),
    'unsupported algorithm (\\\\\\") forged=\\"yes)',
  ],
  [
    'alg with bidi overrides and a line separator',
    () => craftJws({ alg: 'a\u202e\u2028b' }, claims(), 'RS256', signer.privateKey),
    'unsupported algorithm (a\\u202e\\u2028b)',
  ],

  // kid: a string or absent (RFC 7515); anything else would be read as "no kid" and try every key.
  ...(
    [
      ['a number', 1],
      ['null', null],
      ['an array', ['k1']],
      ['an object', { k: 1 }],
      ['a boolean', true],
    ] as const
  ).map(([what, kid]): Row => [
    `kid is ${what}`,
    () => craftJws({ alg: 'RS256', kid }, claims(), 'RS256', signer.privateKey),
    'malformed',
  ]),

  // A UTF-8 BOM is malformed before the payload exactly as before the header.
  [
    'BOM before the payload (validly signed)',
    () => craftJws({ alg: 'RS256' }, `\ufeff${JSON.stringify(claims())}`, 'RS256', signer.privateKey),
    'malformed',
  ],
  [
    'BOM before the header (validly signed)',
    () => craftJws(`\ufeff${JSON.stringify({ alg: 'RS256' })}`, claims(), 'RS256', signer.privateKey),
    'malformed',
  ],

  // Signature: nothing from the payload is looked at before it verifies.
  ['signed by another key', () => sign(claims(), otherSigner.privateKey), 'signature invalid'],
  [
    'tampered payload (more connectors)',
    async () => withPayload(await sign(), claims({ features: { connectors: ['sap', 'snowflake'] } })),
    'signature invalid',
  ],
  [
    'tampered payload that is also expired: the signature is reported',
    async () => withPayload(await sign(), claims({ exp: seconds(NOW) - DAY_S })),
    'signature invalid',
  ],
  [
    'another signer, wrong audience: the signature is reported',
    () => sign(claims({ aud: 'other' }), otherSigner.privateKey),
    'signature invalid',
  ],
  [
    'tampered header (kid added)',
    async () => {
      const [, p, s] = (await sign()).split('.');
      return `${b64url({ alg: 'RS256', kid: 'x' })}.${p}.${s}`;
    },
    'signature invalid',
  ],

  // Dates: exp required, safe integers, no tolerance on exp; nbf / iat in the future.
  ['exp missing', () => sign(claims({ exp: undefined })), 'invalid claims (exp: is required)'],
  ['exp a string', () => sign(claims({ exp: String(EXP) })), 'invalid claims (exp: must be a number)'],
  ['exp huge (1e300)', () => sign(claims({ exp: 1e300 })), 'invalid claims (exp: must be a safe integer)'],
  ['exp a fraction', () => sign(claims({ exp: EXP + 0.5 })), 'invalid claims (exp: must be a safe integer)'],
  [
    'exp after year 9999',
    () => sign(claims({ exp: 253_402_300_800 })),
    'invalid claims (exp: must be a date from 1970 to 9999)',
  ],
  ['exp null', () => sign(claims({ exp: null })), 'invalid claims (exp: must be a number)'],
  ['nbf a string', () => sign(claims({ nbf: 'yesterday' })), 'invalid claims (nbf: must be a number)'],
  [
    'iat huge',
    () => sign(claims({ iat: Number.MAX_SAFE_INTEGER + 2 })),
    'invalid claims (iat: must be a safe integer)',
  ],
  [
    'expired a second ago (no tolerance on exp)',
    () => sign(claims({ exp: seconds(NOW) - 1 })),
    `expired (${date(seconds(NOW) - 1)})`,
  ],
  ['expired at exactly now', () => sign(claims({ exp: seconds(NOW) })), `expired (${date(seconds(NOW))})`],
  ['expired last year', () => sign(claims({ exp: seconds(NOW) - 365 * DAY_S })), 'expired (2025-04-19)'],
  ['nbf in the future', () => sign(claims({ nbf: seconds(NOW) + 10 * DAY_S })), 'not yet valid (2026-04-29)'],
  ['iat in the future', () => sign(claims({ iat: seconds(NOW) + 3 * DAY_S })), 'not yet valid (2026-04-22)'],
  [
    'nbf just past the 60 s tolerance',
    () => sign(claims({ nbf: seconds(NOW) + 61 })),
    `not yet valid (${date(seconds(NOW) + 61)})`,
  ],

  // Audience and issuer.
  ['audience mismatch', () => sign(claims({ aud: 'other-product' })), 'audience mismatch'],
  ['audience array without ours', () => sign(claims({ aud: ['a', 'b'] })), 'audience mismatch'],
  ['audience missing', () => sign(claims({ aud: undefined })), 'audience mismatch'],
  ['issuer mismatch', () => sign(claims({ iss: 'someone-else' })), 'issuer mismatch'],
  ['issuer missing', () => sign(claims({ iss: undefined })), 'issuer mismatch'],

  // Claim schema, checked after the signature.
  ['customer missing', () => sign(claims({ customer: undefined })), 'invalid claims (customer: must be a string)'],
  [
    'customer empty',
    () => sign(claims({ customer: '' })),
    'invalid claims (customer: must be longer than or equal to 1 characters)',
  ],
  ['customer a number', () => sign(claims({ customer: 42 })), 'invalid claims (customer: must be a string)'],
  [
    'customer absurdly long',
    () => sign(claims({ customer: 'A'.repeat(5000) })),
    'invalid claims (customer: must be shorter than or equal to 200 characters)',
  ],
  ['edition an object', () => sign(claims({ edition: { name: 'x' } })), 'invalid claims (edition: must be a string)'],
  ['features an array', () => sign(claims({ features: ['sap'] })), 'invalid claims (features: must be an object)'],
  [
    'features.connectors a string',
    () => sign(claims({ features: { connectors: 'sap' } })),
    'invalid claims (features.connectors: must be an array)',
  ],
  [
    'features.connectors with a number',
    () => sign(claims({ features: { connectors: ['sap', 7] } })),
    'invalid claims (features.connectors: each value in connectors must be a string)',
  ],
  [
    'features.connectors with an id of a bad shape',
    () => sign(claims({ features: { connectors: ['sap; drop'] } })),
    'invalid claims (features.connectors: each id must be 1-64 letters, digits, ".", "_" or "-")',
  ],
  [
    'features.apps too many ids',
    () => sign(claims({ features: { apps: Array<string>(1001).fill('a') } })),
    'invalid claims (features.apps: must contain no more than 1000 elements)',
  ],
  [
    'features.users.max a string',
    () => sign(claims({ features: { users: { max: '250' } } })),
    'invalid claims (features.users.max: must be an integer number)',
  ],
  [
    'features.users.max negative',
    () => sign(claims({ features: { users: { max: -1 } } })),
    'invalid claims (features.users.max: must not be less than 0)',
  ],
  [
    'features.users a number',
    () => sign(claims({ features: { users: 250 } })),
    'invalid claims (features.users: must be an object)',
  ],
  [
    'features.ai.providers a string',
    () => sign(claims({ features: { ai: { providers: 'anthropic' } } })),
    'invalid claims (features.ai.providers: must be an array)',
  ],
  [
    'features.ai.messagesPerDay absurd',
    () => sign(claims({ features: { ai: { messagesPerDay: 1e12 } } })),
    'invalid claims (features.ai.messagesPerDay: must not be greater than 1000000000)',
  ],
  [
    'products with null',
    () => sign(claims({ products: [null] })),
    'invalid claims (products: each value in products must be a string)',
  ],
  ['seats a float', () => sign(claims({ seats: 2.5 })), 'invalid claims (seats: must be an integer number)'],
  ['aud a number', () => sign(claims({ aud: 7 })), 'audience mismatch'],
];

describe('verifyLicenseToken: rejection table', () => {
  const table = rejections.map(([rule, build, reason]) => ({ rule, build, reason }));

  it.each(table)('$rule → $reason', async ({ build, reason }) => {
    const token = await build();
    const result = await verify(token);
    expect(result.status).toBe('rejected');
    expect(result.status === 'rejected' && result.reason).toBe(reason);
  });

  // Before the signature verifies, nothing from the payload reaches the result.
  it.each(table.filter(({ reason }) => /^(malformed|unsupported|signature)/.test(reason)))(
    '$rule: no claims in the result',
    async ({ build }) => {
      expect(await verify(await build())).not.toHaveProperty('claims');
    },
  );

  it('an aud that is not a string or a list fails the schema when no audience is configured', async () => {
    const result = await verify(await sign(claims({ aud: 7 })), { audience: undefined });
    expect(result).toEqual({
      status: 'rejected',
      reason: 'invalid claims (aud: must be a string or an array of strings)',
    });
  });

  it('keeps the verified claims of an expired key for display', async () => {
    const result = await verify(await sign(claims({ exp: seconds(NOW) - DAY_S })));
    expect(result).toMatchObject({
      status: 'rejected',
      reason: 'expired (2026-04-18)',
      claims: { customer: 'Acme Corp', edition: 'enterprise' },
    });
  });

  it('never throws, whatever it is given', async () => {
    const odd: unknown[] = [
      null,
      Symbol('x'),
      () => 1,
      ['a', 'b', 'c'],
      new String('a.b.c'),
      Buffer.from('a.b.c'),
      'a.b.c',
      '..',
      '...',
    ];
    for (const input of odd)
      await expect(verify(input)).resolves.toMatchObject({ status: 'rejected', reason: 'malformed' });
  });

  it('a clock tolerance beyond 5 minutes is clamped to 5 minutes', async () => {
    const token = await sign(claims({ nbf: seconds(NOW) + 301 }));
    expect(await verify(token, { clockToleranceSeconds: 100_000 })).toMatchObject({
      status: 'rejected',
      reason: `not yet valid (${date(seconds(NOW) + 301)})`,
    });
    const within = await sign(claims({ nbf: seconds(NOW) + 299 }));
    expect((await verify(within, { clockToleranceSeconds: 100_000 })).status).toBe('accepted');
  });
});

describe('verifyLicenseToken: prototype pollution', () => {
  afterEach(() => {
    // Belt and braces: never leave a polluted prototype behind for other tests.
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it.each([
    ['top-level __proto__', '"__proto__":{"polluted":true,"features":{"connectors":["snowflake"]}}'],
    ['top-level constructor.prototype', '"constructor":{"prototype":{"polluted":true}}'],
    ['__proto__ inside features', '"features":{"__proto__":{"polluted":true,"connectors":["snowflake"]},"apps":[]}'],
    ['__proto__ inside features.users', '"features":{"users":{"__proto__":{"max":99999,"polluted":true}}}'],
  ])('%s neither pollutes a prototype nor reaches the claims', async (_name, fragment) => {
    const text = JSON.stringify(claims({ features: undefined })).replace(/^\{/, `{${fragment},`);
    const result = await verify(rs256(text));
    expect(result.status).toBe('accepted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const claimed = result.claims as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(claimed)).toBe(Object.prototype);
    expect(claimed.polluted).toBeUndefined();
    expect(result.claims!.features?.connectors ?? []).not.toContain('snowflake');
    expect(result.claims!.features?.users?.max).toBeUndefined();
    expect(JSON.stringify(result.claims)).not.toMatch(/__proto__|polluted|snowflake|99999/);
  });
});

describe('verifyLicenseToken: several public keys by kid', () => {
  let oldKey: PemKeyPair;
  let newKey: PemKeyPair;
  let rotation: PublicKeySet;

  beforeAll(async () => {
    [oldKey, newKey] = await Promise.all([generateLicenseKeyPair(2048), generateLicenseKeyPair(2048)]);
    const set = publicKeySet([
      ['2025', oldKey.publicKey],
      ['2026', newKey.publicKey],
    ]);
    if (!set.ok) throw new Error(set.why);
    rotation = set.keys;
  });

  it('accepts keys from the old and the new signer, each naming its kid, and reports the kid', async () => {
    const old = await signLicense(claims(), { privateKey: oldKey.privateKey, kid: '2025' });
    const current = await signLicense(claims(), { privateKey: newKey.privateKey, kid: '2026' });
    expect(await verify(old, { keys: rotation })).toMatchObject({ status: 'accepted', kid: '2025' });
    expect(await verify(current, { keys: rotation })).toMatchObject({ status: 'accepted', kid: '2026' });
  });

  it('tries every configured key when the token names no kid', async () => {
    const token = await signLicense(claims(), { privateKey: oldKey.privateKey });
    expect((await verify(token, { keys: rotation })).status).toBe('accepted');
  });

  it('rejects an unknown kid, and a kid that names the other key', async () => {
    const unknown = await signLicense(claims(), { privateKey: newKey.privateKey, kid: '2027' });
    const crossed = await signLicense(claims(), { privateKey: oldKey.privateKey, kid: '2026' });
    expect(await verify(unknown, { keys: rotation })).toEqual({ status: 'rejected', reason: 'signature invalid' });
    expect(await verify(crossed, { keys: rotation })).toEqual({ status: 'rejected', reason: 'signature invalid' });
  });

  it('rejects a key from a signer that is not configured', async () => {
    const token = await signLicense(claims(), { privateKey: signer.privateKey, kid: '2026' });
    expect(await verify(token, { keys: rotation })).toEqual({ status: 'rejected', reason: 'signature invalid' });
  });
});
