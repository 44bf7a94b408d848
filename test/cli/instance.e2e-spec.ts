// `liberty-license issue --instance` binds a key; `verify --instance` checks the binding exactly as
// the module's `instance` option does (built bin, child processes).
import { createVendor, lines, runCli, seedClaims, TIMEOUT, type Vendor } from './support/cli-harness.js';

describe('instance', () => {
  let vendor: Vendor;
  beforeAll(async () => {
    vendor = await createVendor();
  }, TIMEOUT);
  afterAll(() => vendor.cleanup());

  const verify = (token: string, ...extra: string[]) =>
    runCli(['verify', token, '--public-key', vendor.publicPath, '--audience', 'liberty', ...extra]);

  describe('verify --instance', () => {
    it(
      'an issued bound key: same instance accepted (and shown), another rejected "instance mismatch"',
      async () => {
        const issued = await runCli([
          'issue',
          '--private-key',
          vendor.privatePath,
          '--customer',
          'Acme Corp',
          '--audience',
          'liberty',
          '--expires',
          '30d',
          '--instance',
          'prod-eu',
        ]);
        expect(issued.code).toBe(0);
        const token = issued.stdout.trim();

        const same = await verify(token, '--instance', 'prod-eu');
        expect(same.code).toBe(0);
        expect(lines(same.stdout)).toContain('instance="prod-eu"');

        const otherInstall = await verify(token, '--instance', 'prod-us');
        expect(otherInstall.code).toBe(1);
        expect(lines(otherInstall.stdout)[0]).toBe('license rejected — reason="instance mismatch"');
        expect(lines(otherInstall.stdout)[1]).toBe('customer="Acme Corp"');

        // Without --instance the binding is not checked (the option is off).
        expect((await verify(token)).code).toBe(0);
      },
      TIMEOUT,
    );

    it(
      'a key without an instance claim is valid on every install',
      async () => {
        const token = await vendor.sign(seedClaims());
        const result = await verify(token, '--instance', 'prod-us', '--json');
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ status: 'accepted', reason: null });
      },
      TIMEOUT,
    );

    it(
      '--json carries the reason; a blank --instance is a usage error',
      async () => {
        const token = await vendor.sign({ ...seedClaims(), instance: 'prod-eu' });
        const json = await verify(token, '--instance', 'staging', '--json');
        expect(json.code).toBe(1);
        expect(JSON.parse(json.stdout)).toMatchObject({
          status: 'rejected',
          reason: 'instance mismatch',
          claims: { instance: 'prod-eu' },
        });
        const blank = await verify(token, '--instance= ');
        expect(blank.code).toBe(2);
        expect(blank.stderr).toMatch(/option --instance must not be blank/);
      },
      TIMEOUT,
    );
  });
});
