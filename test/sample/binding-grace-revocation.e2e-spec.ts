import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue, SampleApp, sampleToml, unique } from './sample-fixture.js';
import { specTimeout } from '../support/suite.js';

// The sample app's [license] settings for issue 14: instance, grace_days, revocation_list_path
// (relative to app.toml), end to end over HTTP.

specTimeout(60_000);

describe('binding-grace-revocation', () => {
  let kit: LicenseTestKit;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });

  it('instance = "${VAR}": a key bound to another instance is rejected "instance mismatch"; a site key is accepted', async () => {
    const keyVar = unique('LIBERTY_TEST_KEY');
    const instanceVar = unique('LIBERTY_TEST_INSTANCE');
    process.env[instanceVar] = 'prod-eu-west';
    const sample = await SampleApp.start(kit, {
      keyVar,
      token: await issue(kit, { claims: claims({ connectors: ['sap'] }, { instance: 'staging' }) }),
      toml: sampleToml({ keyVar, license: `instance = "\${${instanceVar}}"` }),
    });
    try {
      const view = (await sample.get('/api/license')).body;
      expect(view).toMatchObject({ status: 'rejected', reason: 'instance mismatch', instance: 'staging' });
      process.env[keyVar] = await issue(kit, { claims: claims({ connectors: ['sap'] }, { instance: undefined }) });
      expect((await sample.call('post', '/api/license/reverify')).body).toMatchObject({
        status: 'accepted',
        instance: null,
      });
    } finally {
      await sample.close();
      delete process.env[instanceVar];
    }
  });

  it('grace_days: an expired key inside its grace period is accepted, with graceEndsAt and the banner', async () => {
    const now = Math.floor(Date.now() / 1000);
    const keyVar = unique('LIBERTY_TEST_KEY');
    const sample = await SampleApp.start(kit, {
      keyVar,
      token: await issue(kit, {
        claims: claims({ connectors: ['sap'] }, { iat: now - 40 * 86_400, nbf: now - 40 * 86_400, exp: now - 86_400 }),
      }),
      toml: sampleToml({ keyVar, license: 'grace_days = 7' }),
    });
    try {
      const view = (await sample.get('/api/license')).body;
      expect(view).toMatchObject({
        status: 'accepted',
        expiryLevel: 'expired',
        graceEndsAt: expect.stringMatching(/Z$/),
      });
      expect(Date.parse(view.graceEndsAt) - Date.parse(view.expiresAt)).toBe(7 * 86_400_000);
      expect((await sample.get('/api/connectors/sap')).status).toBe(200);
      const banner = (await sample.get('/api/license/banner')).body;
      expect(banner).toMatchObject({
        shown: true,
        mode: 'grace',
        tone: 'critical',
        text: expect.stringMatching(/^License expired on \d{1,2} [A-Z][a-z]+ \d{4} — grace period until /),
      });
      expect((await sample.get('/api/license/status')).body).toMatchObject({ valid: true, error: '' });
    } finally {
      await sample.close();
    }
  });

  it('revocation_list_path (relative to app.toml): a new list revokes the running key on re-verify', async () => {
    const keyVar = unique('LIBERTY_TEST_KEY');
    const sample = await SampleApp.start(kit, {
      keyVar,
      token: await issue(kit, { claims: claims({ connectors: ['sap'] }, { jti: 'key-0001' }) }),
      toml: sampleToml({ keyVar, license: 'revocation_list_path = "revoked.jwt"' }),
    });
    try {
      // No list yet: a warning, the key works.
      const before = (await sample.get('/api/license')).body;
      expect(before).toMatchObject({
        status: 'accepted',
        warnings: ['revocation list unreadable (ENOENT); no revocation list in force'],
      });
      await writeFile(join(sample.dir, 'revoked.jwt'), await kit.revocationList(['key-0001']));
      const after = (await sample.call('post', '/api/license/reverify')).body;
      expect(after).toMatchObject({ status: 'rejected', reason: 'revoked', customer: 'Acme Corp', warnings: [] });
      expect((await sample.get('/api/connectors/sap')).status).toBe(403);
    } finally {
      await sample.close();
    }
  });

  it.each([
    ['grace_days = -1', /license\.grace_days: must be a whole number of days from 0 to 365/],
    ['revocation_list_path = ""', /license\.revocation_list_path: must be a non-empty path/],
    ['instance = ""', /license\.instance: must be a non-empty string/],
  ])('a bad setting (%s) stops the app with a message naming the key', async (line, message) => {
    const keyVar = unique('LIBERTY_TEST_KEY');
    await expect(SampleApp.start(kit, { keyVar, toml: sampleToml({ keyVar, license: line }) })).rejects.toThrow(
      message,
    );
  });
});
