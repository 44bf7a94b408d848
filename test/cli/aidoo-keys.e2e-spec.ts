// ai.doo keys through the built bin: `issue` mints an issuer-bound key (iss, sub, customer, tier,
// products, seats, exp, no aud) and `verify --issuer aidoo.biz` accepts it without --audience and
// without a note about aud, exactly as the module configured with `issuer` only does.
import { isoSeconds } from '@liberty/license/verify';
import {
  createVendor,
  DAY,
  decode,
  expectTokenNotEchoed,
  lines,
  nowSeconds,
  runCli,
  TIMEOUT,
  type Vendor,
} from './support/cli-harness.js';

describe('aidoo-keys', () => {
  let vendor: Vendor;
  let token: string;
  let issued: { code: number | null; stdout: string; stderr: string };

  const AIDOO = [
    '--issuer',
    'aidoo.biz',
    '--sub',
    'cust-42',
    '--customer',
    'Hub Customer',
    '--tier',
    'professional',
    '--products',
    'pika,vera',
    '--seats',
    '10',
    '--expires',
    '365d',
  ];

  beforeAll(async () => {
    vendor = await createVendor();
    issued = await runCli(['issue', '--private-key', vendor.privatePath, ...AIDOO]);
    token = issued.stdout.trim();
  }, TIMEOUT);
  afterAll(() => vendor.cleanup());

  describe('liberty-license issue — an ai.doo key', () => {
    it('carries iss, sub, customer, tier, products, seats, exp and no aud', () => {
      expect(issued.code).toBe(0);
      const { header, payload } = decode(token);
      expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
      expect(payload).toEqual({
        iss: 'aidoo.biz',
        sub: 'cust-42',
        jti: payload.jti,
        iat: payload.iat,
        nbf: payload.iat,
        exp: (payload.iat as number) + 365 * DAY,
        customer: 'Hub Customer',
        tier: 'professional',
        products: ['pika', 'vera'],
        seats: 10,
      });
      expect(payload).not.toHaveProperty('aud');
      expect(issued.stderr).toBe(
        `issued for customer="Hub Customer" issuer="aidoo.biz", expires ${isoSeconds(new Date((payload.exp as number) * 1000))} (in 365 days), jti=${payload.jti as string}\n`,
      );
    });

    it(
      'neither --audience nor --issuer: usage error naming both, nothing on stdout',
      async () => {
        const result = await runCli([
          'issue',
          '--private-key',
          vendor.privatePath,
          '--customer',
          'A',
          '--expires',
          '30d',
        ]);
        expect(result.code).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(
          /--audience AUD is required \(or --issuer ISS for an issuer-bound key without aud/,
        );
      },
      TIMEOUT,
    );

    it(
      '--audience and --issuer together still bind both',
      async () => {
        const result = await runCli(['issue', '--private-key', vendor.privatePath, ...AIDOO, '--audience', 'hub']);
        expect(result.code).toBe(0);
        expect(decode(result.stdout.trim()).payload).toMatchObject({ iss: 'aidoo.biz', aud: 'hub' });
      },
      TIMEOUT,
    );
  });

  describe('liberty-license verify — issuer-bound keys', () => {
    it(
      '--issuer aidoo.biz without --audience: accepted, tier shown as the edition, no note about aud',
      async () => {
        const result = await runCli(['verify', token, '--public-key', vendor.publicPath, '--issuer', 'aidoo.biz']);
        expect(result.code).toBe(0);
        const exp = decode(token).payload.exp as number;
        expect(lines(result.stdout)).toEqual([
          'license accepted',
          'customer="Hub Customer" edition="professional"',
          `expires=${isoSeconds(new Date(exp * 1000))} (in 365 days)`,
          'features.connectors: []',
          'features.apps: []',
          'products: [pika, vera]',
          'seats: 10',
        ]);
        expect(result.stderr).toBe('');
        expectTokenNotEchoed(result, token);
      },
      TIMEOUT,
    );

    it(
      'another issuer: issuer mismatch (exit 1)',
      async () => {
        const result = await runCli(['verify', token, '--public-key', vendor.publicPath, '--issuer', 'nomana-it']);
        expect(result.code).toBe(1);
        expect(lines(result.stdout)[0]).toBe('license rejected — reason="issuer mismatch"');
        expect(result.stderr).toBe('');
      },
      TIMEOUT,
    );

    it(
      'an audience demanded of a key without aud: audience mismatch (exit 1)',
      async () => {
        const result = await runCli([
          'verify',
          token,
          '--public-key',
          vendor.publicPath,
          '--issuer',
          'aidoo.biz',
          '--audience',
          'liberty',
        ]);
        expect(result.code).toBe(1);
        expect(lines(result.stdout)[0]).toBe('license rejected — reason="audience mismatch"');
      },
      TIMEOUT,
    );

    it(
      'neither --issuer nor --audience: accepted, with the note that aud was not checked',
      async () => {
        const result = await runCli(['verify', token, '--public-key', vendor.publicPath]);
        expect(result.code).toBe(0);
        expect(result.stderr).toBe('note: --audience not given; the aud claim was not checked\n');
      },
      TIMEOUT,
    );

    it(
      'an expired ai.doo key: expired, its customer still shown',
      async () => {
        const now = nowSeconds();
        const old = await vendor.sign({
          iss: 'aidoo.biz',
          sub: 'c',
          iat: now - 10 * DAY,
          exp: now - DAY,
          customer: 'Old',
          tier: 'enterprise',
          products: ['pika'],
          seats: 1,
        });
        const result = await runCli(['verify', old, '--public-key', vendor.publicPath, '--issuer', 'aidoo.biz']);
        expect(result.code).toBe(1);
        expect(lines(result.stdout).slice(0, 2)).toEqual([
          `license rejected — reason="expired (${new Date((now - DAY) * 1000).toISOString().slice(0, 10)})"`,
          'customer="Old" edition="enterprise"',
        ]);
      },
      TIMEOUT,
    );
  });
});
