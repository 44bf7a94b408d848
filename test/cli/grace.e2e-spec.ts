// `liberty-license verify --grace-days N`: the module's graceDays from the command line.
import {
  createVendor,
  DAY,
  lines,
  nowSeconds,
  runCli,
  seedClaims,
  TIMEOUT,
  type Vendor,
} from './support/cli-harness.js';

describe('grace', () => {
  let vendor: Vendor;
  beforeAll(async () => {
    vendor = await createVendor();
  }, TIMEOUT);
  afterAll(() => vendor.cleanup());

  const verify = (token: string, ...extra: string[]) =>
    runCli(['verify', token, '--public-key', vendor.publicPath, '--audience', 'liberty', ...extra]);

  it(
    'a key expired 2 days ago: rejected without grace, accepted with --grace-days 7 (and says until when)',
    async () => {
      const claims = {
        ...seedClaims(),
        iat: nowSeconds() - 40 * DAY,
        nbf: nowSeconds() - 40 * DAY,
        exp: nowSeconds() - 2 * DAY,
      };
      const token = await vendor.sign(claims);
      const until = new Date((claims.exp + 7 * DAY) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

      const strict = await verify(token);
      expect(strict.code).toBe(1);
      expect(lines(strict.stdout)[0]).toMatch(/^license rejected — reason="expired \(\d{4}-\d{2}-\d{2}\)"$/);

      const graced = await verify(token, '--grace-days', '7');
      expect(graced.code).toBe(0);
      expect(lines(graced.stdout)[0]).toBe('license accepted');
      expect(lines(graced.stdout)).toContain(`grace: expired, accepted until ${until} (--grace-days)`);
      const json = JSON.parse((await verify(token, '--grace-days', '7', '--json')).stdout);
      expect(json).toMatchObject({ status: 'accepted', graceEndsAt: until });

      expect((await verify(token, '--grace-days', '2')).code).toBe(1); // grace ended exactly now or before
      const bad = await verify(token, '--grace-days', '366');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/option --grace-days must be a whole number from 0 to 365/);
    },
    TIMEOUT,
  );
});
