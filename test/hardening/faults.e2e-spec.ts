import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicReason } from '../../libs/license/src/verification/rejection-reasons.util.js';
import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue, SampleApp } from '../sample/sample-fixture.js';
import { makeUnwritable } from './hardening-support.js';
import { until } from '../support/poll.js';
import { specTimeout } from '../support/suite.js';

// Faults while the sample app runs: its public key file, its app.toml, its key variable and its
// <NAME>_FILE secret go away or go bad. Each fault ends in a clear, reported state (status, reason,
// warning, log line or error response), the open features keep serving, and the next good input
// recovers without a restart.

specTimeout(60_000);

const LOG_CONTEXT_FREE = (line: string) => line.replace(/\s+liberty\.licensing$/, '');

/** Open features: health, open connectors and their routes, the catalogue, the settings page. */
async function expectOpenFeaturesServed(sample: SampleApp): Promise<void> {
  expect((await sample.get('/health', null)).status).toBe(200);
  expect((await sample.get('/api/connectors/postgres/schemas')).status).toBe(200);
  const catalogue = (await sample.get('/api/catalogue')).body as { connectors: Array<{ id: string }> };
  expect(catalogue.connectors.map((c) => c.id)).toEqual(expect.arrayContaining(['postgres', 'rest']));
  expect((await sample.get('/api/settings/framework/license')).status).toBe(200);
  expect((await sample.get('/api/menus')).status).toBe(200);
}

async function expectLicensed(sample: SampleApp, customer: string): Promise<void> {
  expect((await sample.get('/api/license')).body).toMatchObject({ status: 'accepted', customer, reason: null });
  expect((await sample.get('/api/connectors/sap/tables')).status).toBe(200);
}

/** Locked: the reason is reported by the License tab, the status endpoint and the guard's 403. */
async function expectLocked(sample: SampleApp, status: string, reason: string | null): Promise<void> {
  expect((await sample.get('/api/license')).body).toMatchObject({ status, reason });
  expect((await sample.get('/api/license/status')).body).toMatchObject({
    valid: false,
    error: reason ?? 'not configured',
  });
  const sap = await sample.get('/api/connectors/sap/tables');
  expect(sap.status).toBe(403);
  // The 403 body is public (issue 20, finding 9): the reason's category, never a path.
  expect(sap.body).toMatchObject({
    code: 'LICENSE_REQUIRED',
    licenseStatus: status,
    reason: reason === null ? null : publicReason(reason),
  });
}

const logged = (sample: SampleApp, text: string) =>
  sample.logger.lines.some((line) => LOG_CONTEXT_FREE(line).includes(text));

describe('faults while running', () => {
  let kit: LicenseTestKit;
  let other: LicenseTestKit;
  let keyA: string;
  beforeAll(async () => {
    [kit, other] = await Promise.all([LicenseTestKit.create(), LicenseTestKit.create()]);
    keyA = await issue(kit, { claims: claims({ connectors: ['sap'] }, { customer: 'Customer A' }) });
  });

  describe('the public key file', () => {
    let sample: SampleApp;
    let pem: string;
    beforeAll(async () => {
      sample = await SampleApp.start(kit, { token: keyA });
      pem = join(sample.dir, 'public.pem');
    });
    afterAll(() => sample.close());

    const reverify = () => sample.call('post', '/api/license/reverify');

    const faults: Array<[string, () => Promise<void>, (path: string) => string]> = [
      ['deleted', () => unlink(pem), (path) => `public key unavailable (cannot read ${path}: ENOENT)`],
      ['replaced by garbage', () => writeFile(pem, 'garbage\n'), () => 'public key unavailable (not a PEM public key)'],
      [
        'half-written',
        () => writeFile(pem, kit.publicKey.slice(0, 200)),
        () => 'public key unavailable (not a PEM public key)',
      ],
      ["replaced by another signer's key", () => writeFile(pem, other.publicKey), () => 'signature invalid'],
      [
        'replaced by a private key',
        () => writeFile(pem, kit.privateKey),
        () => 'public key unavailable (a private key was given; configure the public key only)',
      ],
    ];

    it.each(faults)(
      '%s: rejected with a clear reason, open features served, restored file recovers on reverify',
      async (_, fault, reasonOf) => {
        await expectLicensed(sample, 'Customer A');
        await fault();
        const reason = reasonOf(pem);
        expect((await reverify()).body).toMatchObject({ status: 'rejected', reason, customer: null });
        await expectLocked(sample, 'rejected', reason);
        expect(logged(sample, `license rejected — reason="${reason}"`)).toBe(true);
        await expectOpenFeaturesServed(sample);

        await writeFile(pem, kit.publicKey);
        expect((await reverify()).body).toMatchObject({ status: 'accepted', customer: 'Customer A' });
        await expectLicensed(sample, 'Customer A');
      },
    );

    it('a private key put in its place is never logged or shown', async () => {
      const body = kit.privateKey.split('\n')[1];
      expect(sample.logger.lines.some((line) => line.includes('PRIVATE KEY') || line.includes(body))).toBe(false);
    });
  });

  describe('config/app.toml', () => {
    let sample: SampleApp;
    let original: string;
    const putEnforcement = (enforcement: string) =>
      sample.call('put', '/api/settings/framework/license', { body: { enforcement } });

    beforeAll(async () => {
      sample = await SampleApp.start(kit, { token: keyA });
      original = await sample.readConfig();
    });
    afterAll(() => sample.close());

    async function expectNothingChanged(text: string): Promise<void> {
      expect(await sample.readConfig()).toBe(text);
      expect((await sample.get('/api/settings/framework/license')).body).toMatchObject({ enforcement: 'restricted' });
      await expectLicensed(sample, 'Customer A');
      await expectOpenFeaturesServed(sample);
      // Re-verification does not need the file.
      expect((await sample.call('post', '/api/license/reverify')).body.status).toBe('accepted');
      expect((await readdir(sample.dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    }

    it.each([
      ['a TOML syntax error', '[license\nlicense_key = "${X}"\n', /line 1/],
      [
        'a valid TOML with an invalid [license]',
        (original) => original.replace('enforcement = "restricted"', 'enforcement = "sometimes"'),
        /enforcement/,
      ],
      [
        'a file cut in half',
        (original: string) => original.slice(0, Math.floor(original.length / 2)),
        /Invalid configuration/,
      ],
    ] as Array<[string, string | ((original: string) => string), RegExp]>)(
      'corrupted mid-run (%s): edits get 500 CONFIG_MALFORMED naming the problem, nothing changes; a fixed file works again',
      async (_, corrupt, detail) => {
        const bad = typeof corrupt === 'string' ? corrupt : corrupt(original);
        await writeFile(sample.configPath, bad);
        const put = await putEnforcement('soft');
        expect(put.status).toBe(500);
        expect(put.body).toMatchObject({ statusCode: 500, code: 'CONFIG_MALFORMED' });
        expect(put.body.message).toContain(sample.configPath);
        expect(put.body.message).toMatch(detail);
        expect(put.body.message).toMatch(/nothing was changed$/);
        // Connector toggles live in the database, not in app.toml: a broken file does not block them.
        const patch = await sample.call('patch', '/api/settings/connectors/rest', { body: { licensed: true } });
        expect(patch.status).toBe(200);
        expect(
          (await sample.call('patch', '/api/settings/connectors/rest', { body: { licensed: false } })).status,
        ).toBe(200);
        await expectNothingChanged(bad);

        await writeFile(sample.configPath, original);
        expect((await putEnforcement('restricted')).status).toBe(200);
        await expectLicensed(sample, 'Customer A');
      },
    );

    it('deleted mid-run: 500 CONFIG_UNREADABLE, nothing changes; restored, edits work again', async () => {
      await unlink(sample.configPath);
      const put = await putEnforcement('soft');
      expect(put.status).toBe(500);
      expect(put.body).toMatchObject({ code: 'CONFIG_UNREADABLE', message: expect.stringContaining('ENOENT') });
      await expectLicensed(sample, 'Customer A');
      await expectOpenFeaturesServed(sample);
      await writeFile(sample.configPath, original);
      expect((await putEnforcement('restricted')).status).toBe(200);
    });

    it('unwritable mid-run: 500 CONFIG_WRITE_FAILED, file and license unchanged, no temp file left; writable again, edits work', async () => {
      const before = await sample.readConfig();
      const undo = await makeUnwritable(sample.dir);
      if (!undo) {
        // Root on a file system without `chattr`: there is no way to refuse root a write here.
        console.warn('skipped: cannot make a directory unwritable on this machine');
        return;
      }
      try {
        const put = await putEnforcement('soft');
        expect(put.status).toBe(500);
        expect(put.body).toMatchObject({
          code: 'CONFIG_WRITE_FAILED',
          message: expect.stringContaining(sample.configPath),
        });
        // Not applied: still restricted, sap still needs the key.
        expect((await sample.get('/api/license')).body.enforcement).toBe('restricted');
        await expectNothingChanged(before);
      } finally {
        await undo();
      }
      const put = await putEnforcement('soft');
      expect(put.status).toBe(200);
      expect((await sample.get('/api/license')).body.enforcement).toBe('soft');
      expect(await sample.readConfig()).toContain('enforcement = "soft"');
      expect((await putEnforcement('restricted')).status).toBe(200);
    });
  });

  describe('the key variable', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      sample = await SampleApp.start(kit, { token: keyA });
    });
    afterAll(() => sample.close());

    it.each([
      ['removed', undefined],
      ['emptied', ''],
      ['blank', '  \n'],
    ])(
      '%s: not configured (restricted, reported and logged), open features served; set again, reverify recovers',
      async (_, value) => {
        await expectLicensed(sample, 'Customer A');
        if (value === undefined) delete process.env[sample.keyVar];
        else process.env[sample.keyVar] = value;
        expect((await sample.call('post', '/api/license/reverify')).body).toMatchObject({
          status: 'not-configured',
          label: 'Not configured',
        });
        await expectLocked(sample, 'not-configured', null);
        expect(sample.logger.lines.at(-1)).toContain('running in restricted mode — licensed features disabled');
        await expectOpenFeaturesServed(sample);

        process.env[sample.keyVar] = keyA;
        expect((await sample.call('post', '/api/license/reverify')).body.status).toBe('accepted');
        await expectLicensed(sample, 'Customer A');
      },
    );
  });

  describe('the <NAME>_FILE secret (polled every 50 ms)', () => {
    let sample: SampleApp;
    let secretDir: string;
    let secret: string;
    const customer = async () => (await sample.get('/api/license')).body;

    beforeAll(async () => {
      secretDir = await mkdtemp(join(tmpdir(), 'liberty-secret-'));
      secret = join(secretDir, 'license.jwt');
      sample = await SampleApp.start(kit, { pollMs: 50 });
      await writeFile(secret, `${keyA}\n`);
      process.env[`${sample.keyVar}_FILE`] = secret;
      expect((await sample.call('post', '/api/license/reverify')).body).toMatchObject({ status: 'accepted' });
    });
    afterAll(async () => {
      await sample.close();
      await rm(secretDir, { recursive: true, force: true });
    });

    // DESIGN.md 5e: a secret that cannot be read is an outage of the store, not a deactivation —
    // the license stays (this changed on purpose: it used to become not-configured).
    it('deleted: picked up by itself, the license stays with a warning naming the variable (status and log); restored, the warning goes by itself', async () => {
      await expectLicensed(sample, 'Customer A');
      await unlink(secret);
      const why = `cannot read ${sample.keyVar}_FILE (ENOENT)`;
      await until('the deleted secret to be noticed', async () => (await customer()).warnings?.includes(why), {
        timeoutMs: 10_000,
      });
      expect(await customer()).toMatchObject({ status: 'accepted', customer: 'Customer A', warnings: [why] });
      await expectLicensed(sample, 'Customer A');
      expect(logged(sample, why)).toBe(true);
      await expectOpenFeaturesServed(sample);

      await writeFile(secret, keyA);
      await until('the restored secret to be picked up', async () => (await customer()).warnings?.length === 0, {
        timeoutMs: 10_000,
      });
      expect(await customer()).toMatchObject({ status: 'accepted', customer: 'Customer A', warnings: [] });
    });

    // An emptied secret (still empty when looked at again) is how an operator removes the key
    // without a restart: no key, with a warning; unlike a secret that cannot be read (an outage).
    it('emptied: not configured, with a warning saying so; written again, accepted again', async () => {
      await writeFile(secret, '');
      expect((await sample.call('post', '/api/license/reverify')).body).toMatchObject({
        status: 'not-configured',
        warnings: [`${sample.keyVar}_FILE is empty`],
      });
      expect(logged(sample, `${sample.keyVar}_FILE is empty`)).toBe(true);
      await expectOpenFeaturesServed(sample);
      await writeFile(secret, keyA);
      await until('the rewritten secret', async () => (await customer()).status === 'accepted', { timeoutMs: 10_000 });
    });

    it.each([
      ['cut inside the payload', (t: string) => t.slice(0, t.indexOf('.') + 40), ['malformed']],
      ['cut after the payload', (t: string) => t.slice(0, t.lastIndexOf('.') + 1), ['malformed']],
      ['cut inside the signature', (t: string) => t.slice(0, -17), ['malformed', 'signature invalid']],
      ['replaced by garbage', () => 'not a license key', ['malformed']],
    ])('half-written (%s): a clear rejection; the complete write is picked up by itself', async (_, cut, reasons) => {
      const keyB = await issue(kit, {
        claims: claims({ connectors: ['sap'] }, { customer: `Customer B ${Date.now()}` }),
      });
      await writeFile(secret, cut(keyB));
      const view = (await sample.call('post', '/api/license/reverify')).body;
      expect(view).toMatchObject({ status: 'rejected', customer: null });
      expect(reasons).toContain(view.reason);
      await expectLocked(sample, 'rejected', view.reason);
      await expectOpenFeaturesServed(sample);

      await writeFile(secret, `${keyB}\n`);
      await until('the completed secret', async () => (await customer()).status === 'accepted', { timeoutMs: 10_000 });
      expect((await customer()).customer).toMatch(/^Customer B /);
      expect((await sample.get('/api/connectors/sap/tables')).status).toBe(200);
    });

    it('the file is only read, never rewritten or removed by the app', async () => {
      expect((await readFile(secret, 'utf8')).trim()).toMatch(/^eyJ/);
      expect(await readdir(secretDir)).toEqual(['license.jwt']);
    });
  });
});
