// `liberty-license verify`: one row per rejection reason of DESIGN.md section 4, run through the
// built bin. Each row also runs the library's verifier in-process on the same input: the CLI must
// print exactly the reason the module would log.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publicKeySet, RejectionReason, utcDate, verifyLicenseToken, type PublicKeySet } from '@liberty/license/verify';
import {
  b64url,
  createVendor,
  DAY,
  expectTokenNotEchoed,
  hs256Token,
  lines,
  nowSeconds,
  rawToken,
  runCli,
  seedClaims,
  TIMEOUT,
  unusablePublicKeys,
  type Vendor,
} from './support/cli-harness.js';

describe('verify-reasons', () => {
  let vendor: Vendor;
  let other: Vendor;
  let keys: PublicKeySet;

  beforeAll(async () => {
    [vendor, other] = await Promise.all([createVendor(), createVendor()]);
    const set = publicKeySet([[undefined, vendor.keys.publicKey]]);
    if (!set.ok) throw new Error(set.why);
    keys = set.keys;
  }, TIMEOUT);
  afterAll(() => Promise.all([vendor.cleanup(), other.cleanup()]));

  interface Row {
    /** The token, built once the vendor keys exist. */
    token: () => Promise<string>;
    /** The reason it must get (exact string, or a pattern when the detail comes from the schema). */
    reason: (claims: Record<string, unknown>) => string | RegExp;
    claims?: Record<string, unknown>;
    args?: string[];
    /** What the library is told, to match `args`. */
    options?: { audience?: string; issuer?: string[] };
  }

  const signed = (change: (c: Record<string, unknown>) => void) => {
    const claims = seedClaims();
    change(claims);
    return { claims, token: () => vendor.sign(claims) };
  };
  const tamper = (token: string) => {
    const [h, , s] = token.split('.');
    return `${h}.${b64url({ ...seedClaims(), customer: 'Mallory Inc' })}.${s}`;
  };

  const expired = signed((c) => {
    c.iat = c.nbf = nowSeconds() - 40 * DAY;
    c.exp = nowSeconds() - 2 * DAY;
  });
  const notBefore = signed((c) => (c.nbf = nowSeconds() + 3 * DAY));
  const issuedAhead = signed((c) => (c.iat = c.nbf = nowSeconds() + 5 * DAY));
  const noCustomer = signed((c) => delete c.customer);
  const badConnector = signed((c) => ((c.features as Record<string, unknown>).connectors = ['sap', 'no spaces']));
  const noExp = signed((c) => delete c.exp);

  const rows: Array<[string, Row]> = [
    ['malformed: garbage', { token: async () => 'not-a-license-key', reason: () => RejectionReason.malformed }],
    [
      'malformed: two segments',
      {
        token: async () => (await vendor.sign(seedClaims())).split('.').slice(0, 2).join('.'),
        reason: () => RejectionReason.malformed,
      },
    ],
    [
      'malformed: whitespace inside',
      {
        token: async () => (await vendor.sign(seedClaims())).replace('.', '. '),
        reason: () => RejectionReason.malformed,
      },
    ],
    [
      'malformed: "=" padding on the signature',
      { token: async () => `${await vendor.sign(seedClaims())}=`, reason: () => RejectionReason.malformed },
    ],
    [
      'malformed: a JWE (five segments)',
      { token: async () => 'eyJhbGciOiJSU0EtT0FFUCJ9.a2V5.aXY.Y2lwaGVy.dGFn', reason: () => RejectionReason.malformed },
    ],
    [
      'malformed: header is not a JSON object',
      { token: async () => rawToken([], seedClaims()), reason: () => RejectionReason.malformed },
    ],
    [
      'malformed: over 8 KiB',
      {
        token: async () => rawToken({ alg: 'RS256' }, { pad: 'x'.repeat(9000) }),
        reason: () => RejectionReason.malformed,
      },
    ],
    [
      'unsupported algorithm: none',
      {
        token: async () => rawToken({ alg: 'none', typ: 'JWT' }, seedClaims()),
        reason: () => 'unsupported algorithm (none)',
      },
    ],
    [
      'unsupported algorithm: HS256',
      { token: async () => hs256Token(seedClaims()), reason: () => 'unsupported algorithm (HS256)' },
    ],
    [
      'signature invalid: another signer',
      { token: () => other.sign(seedClaims()), reason: () => RejectionReason.signatureInvalid },
    ],
    [
      'signature invalid: tampered payload',
      { token: async () => tamper(await vendor.sign(seedClaims())), reason: () => RejectionReason.signatureInvalid },
    ],
    ['expired', { ...expired, reason: (c) => `expired (${utcDate(new Date((c.exp as number) * 1000))})` }],
    [
      'not yet valid: nbf ahead',
      { ...notBefore, reason: (c) => `not yet valid (${utcDate(new Date((c.nbf as number) * 1000))})` },
    ],
    [
      'not yet valid: iat ahead',
      { ...issuedAhead, reason: (c) => `not yet valid (${utcDate(new Date((c.iat as number) * 1000))})` },
    ],
    [
      'audience mismatch',
      {
        token: () => vendor.sign(seedClaims()),
        reason: () => RejectionReason.audienceMismatch,
        args: ['--audience', 'aidoo-hub'],
        options: { audience: 'aidoo-hub' },
      },
    ],
    [
      'issuer mismatch',
      {
        token: () => vendor.sign(seedClaims()),
        reason: () => RejectionReason.issuerMismatch,
        args: ['--audience', 'liberty', '--issuer', 'someone-else,another'],
        options: { audience: 'liberty', issuer: ['someone-else', 'another'] },
      },
    ],
    ['invalid claims: customer missing', { ...noCustomer, reason: () => /^invalid claims \(customer: .+\)$/ }],
    [
      'invalid claims: a connector id with a space',
      { ...badConnector, reason: () => /^invalid claims \(features\.connectors: .+\)$/ },
    ],
    ['invalid claims: exp missing', { ...noExp, reason: () => 'invalid claims (exp: is required)' }],
  ];

  describe('liberty-license verify — one row per rejection reason', () => {
    it.concurrent.each(rows)(
      '%s → exit 1 and the library’s reason',
      async (_name, row) => {
        const token = await row.token();
        const options = row.options ?? { audience: 'liberty' };
        const library = await verifyLicenseToken(token, { keys, ...options });
        if (library.status !== 'rejected') throw new Error('the row must describe a rejected key');
        const expected = row.reason(row.claims ?? {});
        if (typeof expected === 'string') expect(library.reason).toBe(expected);
        else expect(library.reason).toMatch(expected);

        const result = await runCli([
          'verify',
          token,
          '--public-key',
          vendor.publicPath,
          ...(row.args ?? ['--audience', 'liberty']),
        ]);

        expect(result.code).toBe(1);
        expect(lines(result.stdout)[0]).toBe(`license rejected — reason="${library.reason}"`);
        expect(result.stderr).toBe('');
        expectTokenNotEchoed(result, token);
      },
      TIMEOUT,
    );

    it(
      'an expired key still shows whose it was and when it ended',
      async () => {
        const token = await expired.token();
        const exp = new Date((expired.claims.exp as number) * 1000);
        const result = await runCli(['verify', token, '--public-key', vendor.publicPath, '--audience', 'liberty']);
        expect(result.code).toBe(1);
        expect(lines(result.stdout)).toEqual([
          `license rejected — reason="expired (${utcDate(exp)})"`,
          'customer="Acme Corp" edition="enterprise"',
          `expires=${exp.toISOString().replace(/\.\d{3}Z$/, 'Z')} (2 days ago)`,
        ]);
      },
      TIMEOUT,
    );

    it.concurrent.each(['the private key', 'a 1024-bit RSA key', 'an EC P-256 key', 'a text file'])(
      'public key unavailable: --public-key is %s → exit 1',
      async (what) => {
        const pem = unusablePublicKeys(vendor)[what];
        const path = join(vendor.dir, `${what.replace(/\W+/g, '-')}.pem`);
        await writeFile(path, pem);
        const set = publicKeySet([[undefined, pem]]);
        if (set.ok) throw new Error('the key must be unusable');
        const token = await vendor.sign(seedClaims());

        const result = await runCli(['verify', token, '--public-key', path, '--audience', 'liberty']);

        expect(result.code).toBe(1);
        expect(result.stdout).toBe(`license rejected — reason="${RejectionReason.publicKeyUnavailable(set.why)}"\n`);
        expect(result.stdout).toMatch(
          /reason="public key unavailable \((a private key|RSA key of 1024 bits|not an RSA key \(ec\)|not a PEM public key)/,
        );
        expectTokenNotEchoed(result, token);
      },
      TIMEOUT,
    );
  });
});
