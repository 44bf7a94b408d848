// The sample app as ai.doo's Hub: `[license] key_store = "database"`, activation by paste
// (POST /api/license/activate, DELETE /api/license/activation), issuer-bound keys, the soft
// banners, and the key-leak rule: the pasted key is in no response, log line or file but the store.
import { readdir, readFile, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { expectNoKeyIn, issue, sampleToml, SampleApp, unique } from './sample-fixture.js';
import { aidooKey } from '../support/keys.js';
import { specTimeout } from '../support/suite.js';

specTimeout(60_000);

describe('activation', () => {
  const DAY = 86_400;
  const now = () => Math.floor(Date.now() / 1000);

  let kit: LicenseTestKit;
  let stranger: LicenseTestKit;
  beforeAll(async () => {
    [kit, stranger] = await Promise.all([LicenseTestKit.create(), LicenseTestKit.create()]);
  });

  /** An ai.doo key (iss, sub, customer, tier, products, seats, exp — no aud) for "Hub Customer". */
  const hubKey = (overrides: Record<string, unknown> = {}, signer = kit): Promise<string> =>
    aidooKey(signer, { customer: 'Hub Customer', ...overrides });

  /** The Hub's app.toml: issuer-bound keys, soft enforcement, keys pasted into the database. */
  function hubToml(keyVar: string, keyStore: string | null = 'database'): string {
    return sampleToml({
      keyVar,
      enforcement: 'soft',
      audience: null,
      issuer: 'aidoo.biz',
      keyStore: keyStore ?? undefined,
    });
  }

  /** Every file under `dir` that contains `token`. */
  async function filesContaining(dir: string, token: string): Promise<string[]> {
    const found: string[] = [];
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      if ((await readFile(path)).includes(token)) found.push(entry.name);
    }
    return found;
  }

  describe('key_store = "database": activation by paste', () => {
    let sample: SampleApp;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'liberty-hub-data-'));
      const keyVar = unique('LIBERTY_HUB_KEY');
      sample = await SampleApp.start(kit, { keyVar, toml: hubToml(keyVar), dataDir });
    });
    afterAll(async () => {
      await sample?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('starts unlicensed: not configured, the form is offered, the soft banner says to activate', async () => {
      const view = await sample.get('/api/license');
      expect(view.body).toMatchObject({ status: 'not-configured', enforcement: 'soft', activation: true });
      expect((await sample.get('/api/license/banner')).body).toEqual({
        shown: true,
        mode: 'soft',
        tone: 'info',
        status: 'not-configured',
        text: 'No license — activate to remove this notice',
      });
      expect((await sample.get('/api/license/status')).body).toEqual({
        valid: false,
        customer: '',
        tier: '',
        seats: 0,
        products: [],
        expires_at: 0,
        error: 'not configured',
      });
    });

    it('bad bodies: 400 with a clear message that never echoes the value, nothing changes', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{}, /token must be a string/],
        [{ token: 42 }, /token must be a string/],
        [{ token: '' }, /token must not be empty/],
        [{ token: 'a'.repeat(16 * 1024 + 1) }, /token is longer than 16384 characters/],
        [{ token: 'a.b.c', extra: 1 }, /property extra should not exist/],
        [['a.b.c'], /request body must be a JSON object/],
      ];
      for (const [body, message] of cases) {
        const response = await sample.call('post', '/api/license/activate', { body });
        expect(response.status).toBe(400);
        expect(response.body.message.join('\n')).toMatch(message);
        expect(response.text).not.toContain('aaaaaaaaaa');
      }
      expect((await sample.get('/api/license')).body.status).toBe('not-configured');
    });

    it('a valid ai.doo key: 200 with the License tab, stored in the database only, status exact', async () => {
      const before = await sample.readConfig();
      const token = await hubKey();
      const response = await sample.call('post', '/api/license/activate', { body: { token: `${token}\n` } });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: 'accepted',
        label: 'Accepted',
        customer: 'Hub Customer',
        edition: 'professional',
        products: ['pika', 'vera'],
        users: { max: 10 },
        enforcement: 'soft',
        activation: true,
      });
      const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp;
      expect((await sample.get('/api/license/status')).body).toEqual({
        valid: true,
        customer: 'Hub Customer',
        tier: 'professional',
        seats: 10,
        products: ['pika', 'vera'],
        expires_at: exp,
        error: '',
      });
      expect((await sample.get('/api/license/banner')).body).toMatchObject({ shown: false, text: '' });
      // The key: in the database file(s) only — not in app.toml, not in any other file, not in a log line.
      expect(await sample.readConfig()).toBe(before);
      expect(await filesContaining(sample.dir, token)).toEqual([]);
      const stored = await filesContaining(dataDir, token);
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.every((name) => name.startsWith('liberty.db'))).toBe(true);
      for (const line of sample.logger.lines) expectNoKeyIn(line);
      expect(sample.logger.lines.some((line) => line.includes('license activated — key store database'))).toBe(true);
    });

    it.each<[string, () => Promise<string>, () => string]>([
      ['another signer', () => hubKey({}, stranger), () => 'signature invalid'],
      [
        'a tampered key',
        async () => {
          const [h, p, s] = (await hubKey()).split('.');
          const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
          return `${h}.${Buffer.from(JSON.stringify({ ...claims, seats: 1000 })).toString('base64url')}.${s}`;
        },
        () => 'signature invalid',
      ],
      [
        'an expired key',
        () => hubKey({ iat: now() - 10 * DAY, nbf: now() - 10 * DAY, exp: now() - DAY }),
        () => `expired (${new Date((now() - DAY) * 1000).toISOString().slice(0, 10)})`,
      ],
      ['another issuer', () => hubKey({ iss: 'nomana-it' }), () => 'issuer mismatch'],
      ['garbage', async () => 'not a license key', () => 'malformed'],
    ])(
      '%s: 422 LICENSE_REJECTED with the reason; the running license does not change',
      async (_name, candidate, reason) => {
        const before = (await sample.get('/api/license')).body;
        expect(before.status).toBe('accepted');
        const token = await candidate();
        const response = await sample.call('post', '/api/license/activate', { body: { token } });
        expect(response.status).toBe(422);
        expect(response.body).toEqual({
          statusCode: 422,
          code: 'LICENSE_REJECTED',
          reason: reason(),
          message: `License rejected — ${reason()}`,
        });
        expect(response.text).not.toContain(token);
        const after = (await sample.get('/api/license')).body;
        expect(after).toMatchObject({ status: 'accepted', customer: 'Hub Customer', verifiedAt: before.verifiedAt });
        for (const line of sample.logger.lines) expect(line).not.toContain(token);
      },
    );

    it('permissions: license:read cannot activate or deactivate (403); no token is 401', async () => {
      const reader = await sample.user(['license:read'], 'reader');
      const token = await hubKey();
      expect(
        (await sample.call('post', '/api/license/activate', { token: reader.token, body: { token } })).status,
      ).toBe(403);
      expect((await sample.call('delete', '/api/license/activation', { token: reader.token })).status).toBe(403);
      expect((await sample.call('post', '/api/license/activate', { token: null, body: { token } })).status).toBe(401);
      // A service account with license:read reads the ai.doo status.
      expect((await sample.get('/api/license/status', reader.token)).body.valid).toBe(true);
    });

    it('DELETE /api/license/activation: 200, not configured, the banner is back, the database forgets the key', async () => {
      const response = await sample.call('delete', '/api/license/activation');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'not-configured', customer: null, activation: true });
      expect((await sample.get('/api/license/banner')).body.text).toBe('No license — activate to remove this notice');
      expect((await sample.call('delete', '/api/license/activation')).status).toBe(200);
    });
    // Last: the second app re-seeds the shared database's admin token.
    it('a restart reads the activated key back from the database', async () => {
      expect(
        (await sample.call('post', '/api/license/activate', { body: { token: await hubKey({ customer: 'Kept' }) } }))
          .status,
      ).toBe(200);
      // A restart: the first app stops first (one SQLite file serves one process at a time).
      await sample.close();
      sample = undefined as unknown as SampleApp;
      const keyVar = unique('LIBERTY_HUB_KEY');
      const second = await SampleApp.start(kit, { keyVar, toml: hubToml(keyVar), dataDir });
      try {
        expect((await second.get('/api/license')).body).toMatchObject({ status: 'accepted', customer: 'Kept' });
      } finally {
        await second.close();
      }
    });
  });

  describe('key_store = "env" (Liberty, the default): activation is refused', () => {
    it('409 KEY_STORE_READ_ONLY saying to set the variable; the license is unchanged', async () => {
      const keyVar = unique('LIBERTY_ENV_KEY');
      const token = await issue(kit);
      const sample = await SampleApp.start(kit, { keyVar, token });
      try {
        expect((await sample.get('/api/license')).body).toMatchObject({ status: 'accepted', activation: false });
        const message = `the license key store is read-only: the key is read from the environment; set ${keyVar} (or ${keyVar}_FILE) and re-verify`;
        const activate = await sample.call('post', '/api/license/activate', { body: { token: await issue(kit) } });
        expect(activate.status).toBe(409);
        expect(activate.body).toEqual({ statusCode: 409, code: 'KEY_STORE_READ_ONLY', message });
        const deactivate = await sample.call('delete', '/api/license/activation');
        expect(deactivate.status).toBe(409);
        expect(deactivate.body.code).toBe('KEY_STORE_READ_ONLY');
        expect((await sample.get('/api/license')).body.status).toBe('accepted');
      } finally {
        await sample.close();
      }
    });

    it('an explicit key_store = "env" is the same; a bad value fails at startup naming the key', async () => {
      const keyVar = unique('LIBERTY_ENV_KEY');
      const sample = await SampleApp.start(kit, { keyVar, toml: hubToml(keyVar, 'env') });
      try {
        expect((await sample.get('/api/license')).body.activation).toBe(false);
      } finally {
        await sample.close();
      }
      await expect(SampleApp.start(kit, { keyVar, toml: hubToml(keyVar, 'disk') })).rejects.toThrow(
        /license\.key_store: must be "env" or "database"/,
      );
    });
  });

  describe('soft banners with the environment store', () => {
    it('an expired key: "License expired"; another rejection: "License rejected — <reason>"', async () => {
      const keyVar = unique('LIBERTY_ENV_KEY');
      const expired = await hubKey({ iat: now() - 10 * DAY, nbf: now() - 10 * DAY, exp: now() - DAY });
      const sample = await SampleApp.start(kit, { keyVar, token: expired, toml: hubToml(keyVar, null) });
      try {
        expect((await sample.get('/api/license/banner')).body).toMatchObject({
          shown: true,
          mode: 'soft',
          text: 'License expired',
        });
        process.env[keyVar] = await hubKey({}, stranger);
        await sample.call('post', '/api/license/reverify');
        expect((await sample.get('/api/license/banner')).body.text).toBe('License rejected — signature invalid');
      } finally {
        await sample.close();
      }
    });
  });
});
