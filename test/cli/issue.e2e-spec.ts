// `liberty-license issue`: what it signs, how it validates its flags, and the vendor round trip
// keygen → issue → verify, all through the built bin.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isoSeconds, publicKeySet, verifyLicenseToken } from '@liberty/license/verify';
import { createVendor, DAY, decode, lines, nowSeconds, runCli, type Vendor, TIMEOUT } from './support/cli-harness.js';

describe('issue', () => {
  const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
  let vendor: Vendor;
  let dir: string;

  beforeAll(async () => {
    vendor = await createVendor();
    dir = await mkdtemp(join(tmpdir(), 'liberty-issue-'));
  }, TIMEOUT);
  afterAll(() => Promise.all([vendor.cleanup(), rm(dir, { recursive: true, force: true })]));

  const required = () => ['--private-key', vendor.privatePath, '--customer', 'Acme Corp', '--audience', 'liberty'];

  async function issue(args: string[]): Promise<{ token: string; stderr: string }> {
    const result = await runCli(['issue', ...args]);
    if (result.code !== 0) throw new Error(`issue failed (${result.code}): ${result.stderr}`);
    return { token: result.stdout.replace(/\n$/, ''), stderr: result.stderr };
  }

  describe('liberty-license issue — what it signs', () => {
    it(
      'prints only the JWT; RS256; iat = nbf = now; exp = now + N days; every claim flag lands where DESIGN.md puts it',
      async () => {
        const before = nowSeconds();
        const result = await runCli([
          'issue',
          ...required(),
          '--expires',
          '365d',
          '--issuer',
          'nomana-it',
          '--sub',
          'acme',
          '--edition',
          'enterprise',
          '--instance',
          'prod-eu-west',
          '--connectors',
          'jdedwards, sap,snowflake',
          '--apps',
          'nomajde,nomasx-1',
          '--users-max',
          '250',
          '--products',
          'pika,vera',
          '--seats',
          '10',
          '--ai-providers',
          'anthropic',
          '--ai-messages-per-day',
          '5000',
        ]);
        const after = nowSeconds();

        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(/^[A-Za-z0-9_.-]+\n$/);
        const token = result.stdout.trim();
        expect(token).toMatch(JWT);
        const { header, payload } = decode(token);
        expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
        expect(payload.iat).toBeGreaterThanOrEqual(before);
        expect(payload.iat).toBeLessThanOrEqual(after);
        expect(payload).toEqual({
          iss: 'nomana-it',
          aud: 'liberty',
          sub: 'acme',
          jti: payload.jti,
          iat: payload.iat,
          nbf: payload.iat,
          exp: (payload.iat as number) + 365 * DAY,
          customer: 'Acme Corp',
          edition: 'enterprise',
          instance: 'prod-eu-west',
          features: {
            connectors: ['jdedwards', 'sap', 'snowflake'],
            apps: ['nomajde', 'nomasx-1'],
            users: { max: 250 },
            ai: { providers: ['anthropic'], messagesPerDay: 5000 },
          },
          products: ['pika', 'vera'],
          seats: 10,
        });
        const keys = publicKeySet([[undefined, vendor.keys.publicKey]]);
        if (!keys.ok) throw new Error(keys.why);
        expect(
          await verifyLicenseToken(token, { keys: keys.keys, audience: 'liberty', issuer: 'nomana-it' }),
        ).toMatchObject({ status: 'accepted' });
        // Every key gets its own jti (a UUID), shown in the summary so the vendor can revoke it later.
        expect(payload.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(result.stderr).toBe(
          `issued for customer="Acme Corp" audience="liberty", expires ${isoSeconds(new Date((payload.exp as number) * 1000))} (in 365 days), jti=${payload.jti as string}\n`,
        );
      },
      TIMEOUT,
    );

    it(
      '--expires DATE is 00:00:00 UTC of that day; a date-time with a zone is taken as given',
      async () => {
        const year = new Date().getUTCFullYear() + 1;
        const day = decode((await issue([...required(), '--expires', `${year}-05-19`])).token).payload;
        const instant = decode(
          (await issue([...required(), '--expires', `${year}-05-19T14:30:00+02:00`])).token,
        ).payload;
        expect(day.exp).toBe(Date.UTC(year, 4, 19) / 1000);
        expect(instant.exp).toBe(Date.UTC(year, 4, 19, 12, 30) / 1000);
      },
      TIMEOUT,
    );

    it(
      'a minimal key carries only what was asked; --kid sets the header',
      async () => {
        const { token } = await issue([...required(), '--expires', '30d', '--kid', '2026-a']);
        const { header, payload } = decode(token);
        expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: '2026-a' });
        expect(Object.keys(payload).sort()).toEqual(['aud', 'customer', 'exp', 'iat', 'jti', 'nbf']);
      },
      TIMEOUT,
    );
  });

  describe('liberty-license issue — flag validation (exit 2, nothing on stdout)', () => {
    const year = new Date().getUTCFullYear();
    const rows: Array<[string, () => string[], RegExp]> = [
      [
        'no --private-key',
        () => ['--customer', 'A', '--audience', 'liberty', '--expires', '30d'],
        /option --private-key PATH is required/,
      ],
      [
        'no --customer',
        () => ['--private-key', vendor.privatePath, '--audience', 'liberty', '--expires', '30d'],
        /option --customer NAME is required/,
      ],
      [
        'no --audience',
        () => ['--private-key', vendor.privatePath, '--customer', 'A', '--expires', '30d'],
        /option --audience AUD is required \(or --issuer ISS for an issuer-bound key without aud/,
      ],
      ['no --expires', () => required(), /option --expires DATE\|Nd is required/],
      [
        '--expires tomorrow',
        () => [...required(), '--expires', 'tomorrow'],
        /--expires must be Nd .* or an ISO-8601 date/,
      ],
      ['--expires 12x', () => [...required(), '--expires', '12x'], /--expires must be Nd/],
      ['--expires 0d', () => [...required(), '--expires', '0d'], /--expires must be at least 1d/],
      ['--expires=-5d', () => [...required(), '--expires=-5d'], /--expires must be Nd/],
      [
        '--expires in the past',
        () => [...required(), '--expires', `${year - 1}-01-01`],
        /--expires is not in the future/,
      ],
      [
        '--expires on a day that does not exist',
        () => [...required(), '--expires', `${year + 1}-02-30`],
        /--expires must be Nd/,
      ],
      ['--expires after 9999', () => [...required(), '--expires', '9999999d'], /--expires is after 9999-12-31/],
      [
        '--seats -1',
        () => [...required(), '--expires', '30d', '--seats=-1'],
        /--seats must be a whole number from 0 to 1000000000/,
      ],
      ['--seats 1.5', () => [...required(), '--expires', '30d', '--seats', '1.5'], /--seats must be a whole number/],
      [
        '--users-max 1e3',
        () => [...required(), '--expires', '30d', '--users-max', '1e3'],
        /--users-max must be a whole number/,
      ],
      [
        '--ai-messages-per-day too large',
        () => [...required(), '--expires', '30d', '--ai-messages-per-day', '1000000001'],
        /--ai-messages-per-day must be a whole number from 0 to 1000000000/,
      ],
      [
        '--connectors with an empty id',
        () => [...required(), '--expires', '30d', '--connectors', 'sap,,snowflake'],
        /--connectors has an empty id/,
      ],
      [
        '--apps with a space in an id',
        () => [...required(), '--expires', '30d', '--apps', 'noma jde'],
        /--apps: "noma jde" is not an id/,
      ],
      [
        '--products with a duplicate',
        () => [...required(), '--expires', '30d', '--products', 'pika,pika'],
        /--products lists pika twice/,
      ],
      [
        '--ai-providers with a bad id',
        () => [...required(), '--expires', '30d', '--ai-providers=-anthropic'],
        /--ai-providers: "-anthropic" is not an id/,
      ],
      [
        '--customer blank',
        () => ['--private-key', vendor.privatePath, '--customer', ' ', '--audience', 'liberty', '--expires', '30d'],
        /--customer must not be blank/,
      ],
      [
        '--customer too long',
        () => [
          '--private-key',
          vendor.privatePath,
          '--customer',
          'x'.repeat(201),
          '--audience',
          'liberty',
          '--expires',
          '30d',
        ],
        /--customer is longer than 200 characters/,
      ],
      [
        '--edition with a control character',
        () => [...required(), '--expires', '30d', '--edition', 'pro\u001b'],
        /--edition contains control characters/,
      ],
      ['a positional argument', () => [...required(), '--expires', '30d', 'extra'], /issue takes no arguments/],
      ['an unknown flag', () => [...required(), '--expires', '30d', '--seat', '3'], /unknown option --seat/],
      [
        'an unreadable --private-key',
        () => ['--private-key', join(dir, 'none.pem'), '--customer', 'A', '--audience', 'liberty', '--expires', '30d'],
        /cannot read --private-key .*none\.pem: ENOENT/,
      ],
    ];

    it.concurrent.each(rows)(
      '%s',
      async (_name, args, message) => {
        const result = await runCli(['issue', ...args()]);
        expect(result.code).toBe(2);
        expect(result.stdout).toBe('');
        expect(lines(result.stderr)).toHaveLength(1);
        expect(result.stderr).toMatch(message);
      },
      TIMEOUT,
    );

    const pkcs8 = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
    const badKeys: Record<string, [() => string, RegExp]> = {
      'the public key': [() => vendor.keys.publicKey, /is not a PEM private key/],
      'a 1024-bit RSA key': [
        () => pkcs8(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey),
        /is an RSA key of 1024 bits; at least 2048 required/,
      ],
      'an EC key': [
        () => pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
        /is not an RSA key \(ec\); license keys are RS256/,
      ],
      'an encrypted key': [
        () =>
          createPrivateKey(vendor.keys.privateKey)
            .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' })
            .toString(),
        /is encrypted; give an unencrypted PEM key/,
      ],
    };

    it.concurrent.each(Object.keys(badKeys))(
      '--private-key is %s → exit 2',
      async (what) => {
        const [pem, message] = badKeys[what];
        const path = join(dir, `${what.replace(/\W+/g, '-')}.pem`);
        await writeFile(path, pem(), { mode: 0o600 });
        const result = await runCli([
          'issue',
          '--private-key',
          path,
          '--customer',
          'A',
          '--audience',
          'liberty',
          '--expires',
          '30d',
        ]);
        expect(result.code).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(message);
      },
      TIMEOUT,
    );
  });

  describe('the vendor workflow: keygen → issue → verify', () => {
    it(
      'a key issued with a fresh pair verifies with its public key, and only with it',
      async () => {
        const out = join(dir, 'vendor-keys');
        const keygen = await runCli(['keygen', '--out', out, '--bits', '2048']);
        expect(keygen.code).toBe(0);

        const { token } = await issue([
          '--private-key',
          join(out, 'private.pem'),
          '--customer',
          'Acme Corp',
          '--audience',
          'liberty',
          '--issuer',
          'nomana-it',
          '--edition',
          'enterprise',
          '--expires',
          '30d',
          '--connectors',
          'jdedwards,sap,snowflake',
          '--apps',
          'nomajde,nomasx-1',
        ]);
        const exp = decode(token).payload.exp as number;

        const accepted = await runCli(
          ['verify', '-', '--public-key', join(out, 'public.pem'), '--audience', 'liberty', '--issuer', 'nomana-it'],
          {
            stdin: `${token}\n`,
          },
        );
        expect(accepted.code).toBe(0);
        expect(lines(accepted.stdout)).toEqual([
          'license accepted',
          'customer="Acme Corp" edition="enterprise"',
          `expires=${isoSeconds(new Date(exp * 1000))} (in 30 days)`,
          'features.connectors: [jdedwards, sap, snowflake]',
          'features.apps: [nomajde, nomasx-1]',
        ]);

        const otherVendor = await runCli(['verify', token, '--public-key', vendor.publicPath, '--audience', 'liberty']);
        expect(otherVendor.code).toBe(1);
        expect(otherVendor.stdout).toBe('license rejected — reason="signature invalid"\n');
      },
      TIMEOUT,
    );
  });
});
