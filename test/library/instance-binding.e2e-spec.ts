// Instance binding (issue 14): option `instance` (a name or a ${NAME} reference) against the key's
// `instance` claim. Each option state on and off: match, mismatch, claim absent; and the check runs
// only after the signature verified.
import { Test, type TestingModule } from '@nestjs/testing';
import { LicenseConfigurationError, LicenseModule, LicenseService, type LicenseModuleOptions } from '@liberty/license';
import { publicKeySet, RejectionReason, verifyLicenseToken, type PublicKeySet } from '@liberty/license/verify';
import { LicenseTestKit } from '@liberty/license/testing';
import { LICENSE_ENVIRONMENT } from '../../libs/license/src/license.internal-constants.js';
import { CapturingLogger } from './support/capturing-logger.js';
import { MutableEnvironment } from './support/mutable-environment.js';
import { b64url } from './support/tokens.js';
import { specTimeout } from '../support/suite.js';

specTimeout(30_000);

describe('instance-binding', () => {
  let kit: LicenseTestKit;
  let other: LicenseTestKit;
  let keys: PublicKeySet;
  const open: TestingModule[] = [];

  beforeAll(async () => {
    [kit, other] = await Promise.all([LicenseTestKit.create(), LicenseTestKit.create()]);
    const set = publicKeySet([[undefined, kit.publicKey]]);
    if (!set.ok) throw new Error(set.why);
    keys = set.keys;
  });
  afterEach(async () => {
    for (const moduleRef of open.splice(0)) await moduleRef.close();
  });

  const bound = (instance: string | undefined) => kit.issue({ claims: { instance } });

  describe('verifyLicenseToken: instance', () => {
    it.each([
      ['option off, key bound', undefined, 'prod-eu', 'accepted'],
      ['option off, site key', undefined, undefined, 'accepted'],
      ['same instance', 'prod-eu', 'prod-eu', 'accepted'],
      ['other instance', 'prod-us', 'prod-eu', RejectionReason.instanceMismatch],
      ['case matters', 'PROD-EU', 'prod-eu', RejectionReason.instanceMismatch],
      ['site key (no claim) on a named install', 'prod-us', undefined, 'accepted'],
    ])('%s', async (_label, option, claim, expected) => {
      const result = await verifyLicenseToken(await bound(claim), { keys, audience: 'liberty', instance: option });
      if (expected === 'accepted') expect(result).toMatchObject({ status: 'accepted' });
      else expect(result).toMatchObject({ status: 'rejected', reason: expected, claims: { instance: claim } });
    });

    it('the reason is exactly "instance mismatch"', () => {
      expect(RejectionReason.instanceMismatch).toBe('instance mismatch');
    });

    it('nothing from the payload is trusted before the signature: a re-bound or foreign key is "signature invalid"', async () => {
      const token = await bound('prod-eu');
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      const rebound = `${header}.${b64url({ ...claims, instance: 'prod-us' })}.${signature}`;
      expect(await verifyLicenseToken(rebound, { keys, audience: 'liberty', instance: 'prod-us' })).toEqual({
        status: 'rejected',
        reason: 'signature invalid',
      });
      const foreign = await other.issue({ claims: { instance: 'prod-eu' } });
      expect(await verifyLicenseToken(foreign, { keys, audience: 'liberty', instance: 'prod-us' })).toEqual({
        status: 'rejected',
        reason: 'signature invalid',
      });
    });

    it('an expired key bound elsewhere says expired (the date checks come first)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await kit.issue({
        claims: { instance: 'prod-eu', iat: now - 90_000, nbf: now - 90_000, exp: now - 3600 },
      });
      const result = await verifyLicenseToken(token, { keys, audience: 'liberty', instance: 'prod-us' });
      expect(result).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^expired \(/) });
    });
  });

  async function start(
    options: Partial<LicenseModuleOptions>,
    env: MutableEnvironment,
    logger = new CapturingLogger(),
  ) {
    const moduleRef = await Test.createTestingModule({
      imports: [LicenseModule.forRoot({ audience: 'liberty', publicKey: kit.publicKey, ...options })],
    })
      .setLogger(logger)
      .overrideProvider(LICENSE_ENVIRONMENT)
      .useValue(env)
      .compile();
    open.push(moduleRef);
    await moduleRef.init();
    return { license: moduleRef.get(LicenseService), logger };
  }

  describe('LicenseModule option instance', () => {
    it('a literal name: match accepted, mismatch rejected with the claims kept for display, site key accepted', async () => {
      const env = new MutableEnvironment({ LIBERTY_LICENSE_KEY: await bound('prod-eu') });
      const { license, logger } = await start({ instance: 'prod-eu' }, env);
      expect(license.state.status).toBe('accepted');
      expect(license.isLicensed('connector:sap')).toBe(true);

      env.set('LIBERTY_LICENSE_KEY', await bound('staging'));
      await license.reverify();
      expect(license.state).toMatchObject({
        status: 'rejected',
        reason: 'instance mismatch',
        claims: { instance: 'staging' },
      });
      expect(license.isLicensed('connector:sap')).toBe(false);
      expect(logger.linesOf('liberty.licensing')).toContainEqual([
        'warn',
        'license rejected — reason="instance mismatch"',
      ]);

      env.set('LIBERTY_LICENSE_KEY', await bound(undefined));
      await license.reverify();
      expect(license.state.status).toBe('accepted');
    });

    it('without the option a bound key is valid on any install (binding is off by default)', async () => {
      const { license } = await start(
        {},
        new MutableEnvironment({ LIBERTY_LICENSE_KEY: await bound('somewhere-else') }),
      );
      expect(license.state).toMatchObject({ status: 'accepted', claims: { instance: 'somewhere-else' } });
    });

    it('a ${NAME} reference is read from the environment on every verification', async () => {
      const env = new MutableEnvironment({ LIBERTY_LICENSE_KEY: await bound('prod-eu'), LIBERTY_INSTANCE: 'prod-eu' });
      const { license } = await start({ instance: '${LIBERTY_INSTANCE}' }, env);
      expect(license.state.status).toBe('accepted');
      env.set('LIBERTY_INSTANCE', 'prod-us');
      await license.reverify();
      expect(license.state).toMatchObject({ status: 'rejected', reason: 'instance mismatch' });
    });

    it('a reference to an unset variable rejects bound keys, keeps site keys, and warns naming the variable', async () => {
      const env = new MutableEnvironment({ LIBERTY_LICENSE_KEY: await bound('prod-eu') });
      const { license, logger } = await start({ instance: '${LIBERTY_INSTANCE}' }, env);
      const warning = 'instance binding: LIBERTY_INSTANCE is not set; keys bound to an instance are rejected';
      expect(license.state).toMatchObject({ status: 'rejected', reason: 'instance mismatch', warnings: [warning] });
      expect(logger.linesOf('liberty.licensing')).toContainEqual(['warn', warning]);
      env.set('LIBERTY_LICENSE_KEY', await bound(undefined));
      await license.reverify();
      expect(license.state).toMatchObject({ status: 'accepted', warnings: [warning] });
    });

    it.each([
      ['', /instance: must be a non-empty name/],
      ['  ', /instance: must be a non-empty name/],
      ['a\nb', /instance: must be a non-empty name/],
      ['${not valid}', /instance: a reference must be written \$\{NAME\}/],
      [42 as unknown as string, /instance: must be a non-empty name/],
    ])('a bad instance option (%j) is a configuration error', async (instance, message) => {
      const attempt = start({ instance }, new MutableEnvironment());
      await expect(attempt).rejects.toThrow(LicenseConfigurationError);
      await expect(start({ instance }, new MutableEnvironment())).rejects.toThrow(message);
    });
  });
});
