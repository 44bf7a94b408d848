// `liberty-license verify`: the accepted output, where the token and the public key come from,
// --at, --json and --issuer lists. Every case runs the built bin as a child process.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isoSeconds, utcDate } from '@liberty/license/verify';
import {
  b64url,
  createVendor,
  DAY,
  expectTokenNotEchoed,
  lines,
  nowSeconds,
  runCli,
  seedClaims,
  type Vendor,
  TIMEOUT,
} from './support/cli-harness.js';

describe('verify-input', () => {
  let vendor: Vendor;
  let token: string;
  let claims: Record<string, unknown>;

  beforeAll(async () => {
    vendor = await createVendor();
    // 30 days minus an hour left: "in 30 days" (days rounded up).
    claims = { ...seedClaims(), exp: nowSeconds() + 30 * DAY - 3600 };
    token = await vendor.sign(claims);
  }, TIMEOUT);
  afterAll(() => vendor.cleanup());

  const seedLines = () => [
    'license accepted',
    'customer="Acme Corp" edition="enterprise"',
    `expires=${isoSeconds(new Date((claims.exp as number) * 1000))} (in 30 days)`,
    'features.connectors: [jdedwards, sap, snowflake]',
    'features.apps: [nomajde, nomasx-1]',
  ];

  describe('liberty-license verify — accepted', () => {
    it(
      'prints the five seed lines of DESIGN.md, then the other grants, and exits 0',
      async () => {
        const result = await runCli(['verify', token, '--public-key', vendor.publicPath, '--audience', 'liberty']);
        expect(result.code).toBe(0);
        expect(lines(result.stdout)).toEqual([
          ...seedLines(),
          'features.users.max: 250',
          'features.ai.providers: [anthropic]',
          'features.ai.messagesPerDay: 5000',
        ]);
        expect(result.stderr).toBe('');
        expectTokenNotEchoed(result, token);
      },
      TIMEOUT,
    );

    it(
      'shows ai.doo claims (tier, products, seats) and the instance',
      async () => {
        const aidoo = await vendor.sign({
          aud: 'aidoo',
          iat: nowSeconds(),
          exp: nowSeconds() + 10 * DAY,
          customer: 'Beta GmbH',
          tier: 'pro',
          instance: 'prod-eu-west',
          products: ['pika', 'vera'],
          seats: 10,
        });
        const result = await runCli(['verify', aidoo, '--public-key', vendor.publicPath, '--audience', 'aidoo']);
        expect(result.code).toBe(0);
        expect(lines(result.stdout)).toEqual([
          'license accepted',
          'customer="Beta GmbH" edition="pro"',
          expect.stringMatching(/^expires=\S+Z \(in 10 days\)$/),
          'features.connectors: []',
          'features.apps: []',
          'instance="prod-eu-west"',
          'products: [pika, vera]',
          'seats: 10',
        ]);
      },
      TIMEOUT,
    );
  });

  describe('liberty-license verify — where the token comes from', () => {
    const publicKey = () => ['--public-key', vendor.publicPath, '--audience', 'liberty'];

    it.concurrent.each([
      ['stdin with the newline echo adds', (t: string) => `${t}\n`],
      ['stdin with a CRLF line end (a file saved on Windows)', (t: string) => `${t}\r\n`],
    ])(
      '"-" reads %s',
      async (_name, input) => {
        const result = await runCli(['verify', '-', ...publicKey()], { stdin: input(token) });
        expect(result.code).toBe(0);
        expect(lines(result.stdout)).toEqual(expect.arrayContaining(seedLines()));
        expectTokenNotEchoed(result, token);
      },
      TIMEOUT,
    );

    it(
      'reads LIBERTY_LICENSE_KEY when given no TOKEN',
      async () => {
        const result = await runCli(['verify', ...publicKey()], { env: { LIBERTY_LICENSE_KEY: token } });
        expect(result.code).toBe(0);
        expect(lines(result.stdout).slice(0, 5)).toEqual(seedLines());
      },
      TIMEOUT,
    );

    it(
      '--env NAME reads another variable (and not LIBERTY_LICENSE_KEY)',
      async () => {
        const foreign = await vendor.sign({ ...seedClaims(), customer: 'Other Corp' });
        const result = await runCli(['verify', '--env', 'ACME_KEY', ...publicKey()], {
          env: { ACME_KEY: token, LIBERTY_LICENSE_KEY: foreign },
        });
        expect(result.code).toBe(0);
        expect(lines(result.stdout)[1]).toBe('customer="Acme Corp" edition="enterprise"');
        expectTokenNotEchoed(result, foreign);
      },
      TIMEOUT,
    );

    it(
      'NAME_FILE names a file holding the key, as in the module (Docker / Kubernetes secrets)',
      async () => {
        const secret = join(vendor.dir, 'license.jwt');
        await writeFile(secret, `${token}\n`);
        const result = await runCli(['verify', ...publicKey()], { env: { LIBERTY_LICENSE_KEY_FILE: secret } });
        expect(result.code).toBe(0);
        expect(lines(result.stdout)[0]).toBe('license accepted');
      },
      TIMEOUT,
    );

    it(
      'a key that is rejected through stdin is rejected the same way (same verifier)',
      async () => {
        const [header, , signature] = token.split('.');
        const tampered = `${header}.${b64url({ ...claims, customer: 'Mallory Inc' })}.${signature}`;
        const result = await runCli(['verify', '-', ...publicKey()], { stdin: `${tampered}\n` });
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('license rejected — reason="signature invalid"\n');
      },
      TIMEOUT,
    );

    it(
      'LIBERTY_PUBLIC_KEY_PATH is used when --public-key is not given',
      async () => {
        const result = await runCli(['verify', token, '--audience', 'liberty'], {
          env: { LIBERTY_PUBLIC_KEY_PATH: vendor.publicPath },
        });
        expect(result.code).toBe(0);
        expect(lines(result.stdout)[0]).toBe('license accepted');
      },
      TIMEOUT,
    );

    it(
      '--public-key wins over LIBERTY_PUBLIC_KEY_PATH',
      async () => {
        const other = await createVendor();
        try {
          const result = await runCli(['verify', token, '--public-key', other.publicPath, '--audience', 'liberty'], {
            env: { LIBERTY_PUBLIC_KEY_PATH: vendor.publicPath },
          });
          expect(result.code).toBe(1);
          expect(result.stdout).toBe('license rejected — reason="signature invalid"\n');
        } finally {
          await other.cleanup();
        }
      },
      TIMEOUT,
    );
  });

  describe('liberty-license verify — audience, issuer, --at, --json', () => {
    it(
      'without --audience, aud is not checked and stderr says so',
      async () => {
        const result = await runCli(['verify', token, '--public-key', vendor.publicPath]);
        expect(result.code).toBe(0);
        expect(result.stderr).toBe('note: --audience not given; the aud claim was not checked\n');
        const wrongAud = await runCli(['verify', token, '--public-key', vendor.publicPath, '--audience', 'other']);
        expect(lines(wrongAud.stdout)[0]).toBe('license rejected — reason="audience mismatch"');
      },
      TIMEOUT,
    );

    it.concurrent.each([
      [['--issuer', 'nomana-it']],
      [['--issuer', 'partner,nomana-it']],
      [['--issuer', 'partner', '--issuer', 'nomana-it']],
    ])(
      '%j accepts a key from one of the listed issuers',
      async (issuer) => {
        const result = await runCli([
          'verify',
          token,
          '--public-key',
          vendor.publicPath,
          '--audience',
          'liberty',
          ...issuer,
        ]);
        expect(result.code).toBe(0);
      },
      TIMEOUT,
    );

    it(
      '--at checks a renewal before it is installed: not yet valid now, accepted at its start',
      async () => {
        const start = nowSeconds() + 20 * DAY;
        const renewal = await vendor.sign({ ...seedClaims(), iat: start, nbf: start, exp: start + 365 * DAY });
        const args = ['verify', renewal, '--public-key', vendor.publicPath, '--audience', 'liberty'];
        const at = isoSeconds(new Date((start + 60) * 1000));

        const now = await runCli(args);
        const then = await runCli([...args, '--at', at]);

        expect(now.code).toBe(1);
        expect(lines(now.stdout)[0]).toBe(
          `license rejected — reason="not yet valid (${utcDate(new Date(start * 1000))})"`,
        );
        expect(then.code).toBe(0);
        expect(lines(then.stdout)[2]).toBe(`expires=${isoSeconds(new Date((start + 365 * DAY) * 1000))} (in 365 days)`);
        expect(then.stderr).toBe(`note: verified as of ${at} (--at), not now\n`);
      },
      TIMEOUT,
    );

    it(
      '--at after exp reports the key as expired as of that instant',
      async () => {
        const result = await runCli([
          'verify',
          token,
          '--public-key',
          vendor.publicPath,
          '--audience',
          'liberty',
          '--at',
          '2099-01-01',
        ]);
        expect(result.code).toBe(1);
        expect(lines(result.stdout)[0]).toBe(
          `license rejected — reason="expired (${utcDate(new Date((claims.exp as number) * 1000))})"`,
        );
      },
      TIMEOUT,
    );

    it(
      '--json prints the status object with the claims, never the key',
      async () => {
        const result = await runCli([
          'verify',
          token,
          '--public-key',
          vendor.publicPath,
          '--audience',
          'liberty',
          '--json',
        ]);
        expect(result.code).toBe(0);
        const status = JSON.parse(result.stdout);
        expect(status).toEqual({
          status: 'accepted',
          reason: null,
          verifiedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
          expiresAt: isoSeconds(new Date((claims.exp as number) * 1000)),
          expiresInDays: 30,
          claims: expect.objectContaining({ customer: 'Acme Corp', aud: 'liberty', features: claims.features }),
        });
        expectTokenNotEchoed(result, token);
      },
      TIMEOUT,
    );

    it(
      '--json on a rejected key: status, reason, exit 1',
      async () => {
        const result = await runCli([
          'verify',
          'garbage',
          '--public-key',
          vendor.publicPath,
          '--audience',
          'liberty',
          '--json',
        ]);
        expect(result.code).toBe(1);
        expect(JSON.parse(result.stdout)).toMatchObject({
          status: 'rejected',
          reason: 'malformed',
          claims: null,
          expiresAt: null,
        });
      },
      TIMEOUT,
    );
  });
});
