// `liberty-license inspect`: decodes without verifying, says so, never echoes the key.
import {
  createVendor,
  decode,
  expectTokenNotEchoed,
  lines,
  rawToken,
  runCli,
  seedClaims,
  type Vendor,
  TIMEOUT,
} from './support/cli-harness.js';

describe('inspect', () => {
  let vendor: Vendor;
  let token: string;

  beforeAll(async () => {
    vendor = await createVendor();
    token = await vendor.sign(seedClaims());
  }, TIMEOUT);
  afterAll(() => vendor.cleanup());

  describe('liberty-license inspect', () => {
    it(
      'prints UNVERIFIED, then the header and the payload as JSON, and exits 0',
      async () => {
        const result = await runCli(['inspect', token]);
        expect(result.code).toBe(0);
        const out = lines(result.stdout);
        expect(out[0]).toBe('UNVERIFIED — decoded without checking the signature');
        const { header, payload } = decode(token);
        expect(result.stdout).toContain(`header: ${JSON.stringify(header, null, 2)}\n`);
        expect(result.stdout).toContain(`payload: ${JSON.stringify(payload, null, 2)}\n`);
        expect(out).toContain(
          `exp=${new Date((payload.exp as number) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
        );
        expect(out.at(-1)).toBe('signature: 256 bytes, NOT checked');
        expectTokenNotEchoed(result, token);
      },
      TIMEOUT,
    );

    it(
      'decodes a key no vendor signed (anyone can write one): still exit 0, still UNVERIFIED',
      async () => {
        const forged = rawToken({ alg: 'RS256', typ: 'JWT' }, { ...seedClaims(), customer: 'Forged Ltd' });
        const result = await runCli(['inspect', '-'], { stdin: `${forged}\n` });
        expect(result.code).toBe(0);
        expect(lines(result.stdout)[0]).toBe('UNVERIFIED — decoded without checking the signature');
        expect(result.stdout).toContain('"customer": "Forged Ltd"');
      },
      TIMEOUT,
    );

    it(
      '--json prints {verified: false, header, payload}; --env reads a variable',
      async () => {
        const result = await runCli(['inspect', '--env', 'ACME_KEY', '--json'], { env: { ACME_KEY: token } });
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual({ verified: false, ...decode(token) });
        expectTokenNotEchoed(result, token);
      },
      TIMEOUT,
    );

    it(
      'escapes control and bidirectional characters of untrusted claims',
      async () => {
        const sneaky = rawToken({ alg: 'RS256' }, { customer: 'Acme\u001b[31m\u202eCorp' });
        const result = await runCli(['inspect', sneaky]);
        expect(result.code).toBe(0);
        expect(result.stdout).toContain('"customer": "Acme\\u001b[31m\\u202eCorp"');
        expect(result.stdout).not.toMatch(/[\u001b\u202e]/);
      },
      TIMEOUT,
    );

    it.concurrent.each([
      ['garbage', 'not-a-key'],
      ['two segments', 'eyJhbGciOiJSUzI1NiJ9.e30'],
      ['a payload that is not JSON', 'eyJhbGciOiJSUzI1NiJ9.bm90LWpzb24.c2ln'],
    ])(
      '%s → exit 1, malformed',
      async (_name, input) => {
        const result = await runCli(['inspect', input]);
        expect(result.code).toBe(1);
        expect(result.stdout).toMatch(/^malformed — /);
        expect(lines(result.stdout)).toHaveLength(1);
      },
      TIMEOUT,
    );
  });
});
