import { jest } from '@jest/globals';
import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue, SampleApp } from './sample-fixture.js';
import { fakeClock } from '../support/fake-clock.js';

// The sample app in each license state: what is served, hidden and locked.

const LOCKED_SAP = (licenseStatus: string, reason: string | null) => ({
  statusCode: 403,
  code: 'LICENSE_REQUIRED',
  feature: 'connector:sap',
  message: 'Locked — requires license connector:sap',
  licenseStatus,
  reason,
});

const ids = (items: Array<{ id: string }>) => items.map((item) => item.id).sort();

describe('sample app license states', () => {
  let kit: LicenseTestKit;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });

  describe('restricted (no key set)', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      sample = await SampleApp.start(kit);
    });
    afterAll(() => sample.close());

    it('/health is 200', async () => {
      const response = await sample.get('/health', null);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: 'ok',
        info: { license: { status: 'up', licenseStatus: 'not-configured' } },
      });
    });

    it('lists only open connectors, no apps, core menus, tools of open connectors', async () => {
      const catalogue = await sample.get('/api/catalogue');
      expect(catalogue.status).toBe(200);
      expect(ids(catalogue.body.connectors)).toEqual(['postgres', 'rest']);
      expect(catalogue.body.apps).toEqual([]);
      expect((await sample.get('/api/apps')).body).toEqual([]);
      const menus = await sample.get('/api/menus');
      expect(menus.body.every((m: { app?: string }) => m.app === undefined)).toBe(true);
      const tools = await sample.get('/api/ai/tools');
      expect(ids(tools.body)).toEqual(['postgres.describe', 'postgres.query', 'rest.describe', 'rest.query']);
    });

    it('serves open connectors; locks licensed ones with the library 403 body; 404 for unknown ids', async () => {
      expect((await sample.get('/api/connectors/postgres')).body).toEqual({
        id: 'postgres',
        name: 'PostgreSQL',
        licensed: false,
        state: 'active',
      });
      expect((await sample.get('/api/connectors/postgres/schemas')).status).toBe(200);
      const sap = await sample.get('/api/connectors/sap');
      expect(sap.status).toBe(403);
      expect(sap.body).toEqual(LOCKED_SAP('not-configured', null));
      const tables = await sample.get('/api/connectors/sap/tables');
      expect(tables.status).toBe(403);
      expect(tables.body).toEqual(LOCKED_SAP('not-configured', null));
      expect((await sample.get('/api/connectors/snowflake/warehouses')).status).toBe(403);
      expect((await sample.get('/api/connectors/jdedwards/business-units')).status).toBe(403);
      const unknown = await sample.get('/api/connectors/oracle');
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toContain('oracle');
    });

    it('settings show licensed connectors as locked with their reason', async () => {
      const response = await sample.get('/api/settings/connectors');
      expect(response.status).toBe(200);
      expect(response.body).toContainEqual({
        id: 'sap',
        name: 'SAP S/4HANA',
        licensed: true,
        state: 'locked',
        lockedReason: 'Locked — requires license sap',
      });
      expect(response.body).toContainEqual({
        id: 'postgres',
        name: 'PostgreSQL',
        licensed: false,
        state: 'active',
        lockedReason: null,
      });
    });

    it('the License tab says "Not configured"; the status endpoint is the ai.doo shape, cached privately for an hour', async () => {
      const view = await sample.get('/api/license');
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({
        status: 'not-configured',
        reason: null,
        customer: null,
        expiresAt: null,
        connectors: [],
        apps: [],
        users: { count: 1, max: null, percent: null, level: null },
        ai: { providers: [], messagesPerDay: null, usedToday: 0 },
        enforcement: 'restricted',
      });
      const status = await sample.get('/api/license/status');
      expect(status.status).toBe(200);
      expect(status.headers['cache-control']).toBe('no-store'); // satellites cache in their client
      expect(status.body).toEqual({
        valid: false,
        customer: '',
        tier: '',
        seats: 0,
        products: [],
        expires_at: 0,
        error: 'not configured',
      });
    });

    it('refuses AI messages: no provider is licensed', async () => {
      const response = await sample.call('post', '/api/ai/messages', {
        body: { provider: 'anthropic', message: 'hi' },
      });
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('AI_PROVIDER_NOT_LICENSED');
    });
  });

  describe('accepted', () => {
    let sample: SampleApp;
    let expiresAt: Date;
    beforeAll(async () => {
      const token = await issue(kit, {
        claims: claims(
          {
            connectors: ['sap', 'snowflake', 'netsuite'],
            apps: ['nomajde'],
            users: { max: 5 },
            ai: { providers: ['anthropic'], messagesPerDay: 100 },
          },
          { products: ['pika', 'vera'] },
        ),
        expiresInSeconds: 90 * 86_400,
      });
      expiresAt = new Date(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp * 1000);
      sample = await SampleApp.start(kit, { token });
    });
    afterAll(() => sample.close());

    it('/health is 200', async () => {
      expect((await sample.get('/health', null)).body).toMatchObject({
        status: 'ok',
        info: { license: { status: 'up', licenseStatus: 'accepted' } },
      });
    });

    it('shows what the key licenses and the install defines', async () => {
      const catalogue = (await sample.get('/api/catalogue')).body;
      expect(ids(catalogue.connectors)).toEqual(['postgres', 'rest', 'sap', 'snowflake']);
      expect(ids(catalogue.apps)).toEqual(['nomajde']);
      const apps = (await sample.get('/api/apps')).body;
      expect(apps).toHaveLength(1);
      expect(apps[0].screens.map((s: { id: string }) => s.id)).toContain('nomajde.address-book');
      const menus = (await sample.get('/api/menus')).body;
      expect(menus.filter((m: { app?: string }) => m.app).map((m: { id: string }) => m.id)).toEqual([
        'nomajde.address-book',
        'nomajde.sales-orders',
      ]);
      expect(ids((await sample.get('/api/ai/tools')).body)).toContain('sap.query');
      expect(ids((await sample.get('/api/ai/tools')).body)).not.toContain('jdedwards.query');
    });

    it('unlocks licensed connectors and their routes; keeps the unlicensed one locked', async () => {
      expect((await sample.get('/api/connectors/sap')).body).toEqual({
        id: 'sap',
        name: 'SAP S/4HANA',
        licensed: true,
        state: 'active',
      });
      const tables = await sample.get('/api/connectors/sap/tables');
      expect(tables.status).toBe(200);
      expect(tables.body[0]).toHaveProperty('name');
      expect((await sample.get('/api/connectors/snowflake/warehouses')).status).toBe(200);
      const jde = await sample.get('/api/connectors/jdedwards/business-units');
      expect(jde.status).toBe(403);
      expect(jde.body.feature).toBe('connector:jdedwards');
      expect(jde.body.licenseStatus).toBe('accepted');
    });

    it('GET /api/license is the License tab', async () => {
      const response = await sample.get('/api/license');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: 'accepted',
        reason: null,
        customer: 'Acme Corp',
        edition: 'enterprise',
        instance: 'prod-eu-west',
        expiresAt: expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        expiresInDays: 90,
        expiryLevel: 'ok',
        connectors: [
          { id: 'sap', defined: true },
          { id: 'snowflake', defined: true },
          { id: 'netsuite', defined: false },
        ],
        apps: [{ id: 'nomajde', defined: true }],
        users: { count: 1, max: 5, percent: 20, level: 'ok' },
        ai: { providers: ['anthropic'], messagesPerDay: 100, usedToday: 0 },
        enforcement: 'restricted',
      });
      expect(Date.parse(response.body.verifiedAt)).not.toBeNaN();
    });

    it('GET /api/license/status is the ai.doo shape', async () => {
      const response = await sample.get('/api/license/status');
      expect(response.headers['cache-control']).toBe('no-store'); // satellites cache in their client
      expect(response.body).toEqual({
        valid: true,
        customer: 'Acme Corp',
        tier: 'enterprise',
        seats: 5,
        products: ['pika', 'vera'],
        expires_at: Math.floor(expiresAt.getTime() / 1000),
        error: '',
      });
    });

    it('the licensed toggle decides whether a connector needs the key, live and stored in the database (not app.toml)', async () => {
      const off = await sample.call('patch', '/api/settings/connectors/jdedwards', { body: { licensed: false } });
      expect(off.status).toBe(200);
      expect(off.body).toEqual({
        id: 'jdedwards',
        name: 'JD Edwards EnterpriseOne',
        licensed: false,
        state: 'active',
        lockedReason: null,
      });
      expect((await sample.get('/api/connectors/jdedwards/business-units')).status).toBe(200);
      expect((await sample.get('/api/connectors/jdedwards')).status).toBe(200);
      expect(ids((await sample.get('/api/catalogue')).body.connectors)).toContain('jdedwards');
      expect(ids((await sample.get('/api/ai/tools')).body)).toContain('jdedwards.query');
      // app.toml defines the connectors; the toggle is the database's (shared by the replicas).
      expect(await sample.readConfig()).toMatch(/id = "jdedwards"\nname = "JD Edwards EnterpriseOne"\nlicensed = true/);

      const postgresOn = await sample.call('patch', '/api/settings/connectors/postgres', { body: { licensed: true } });
      expect(postgresOn.body.state).toBe('locked');
      expect((await sample.get('/api/connectors/postgres/schemas')).status).toBe(403);
      expect(ids((await sample.get('/api/ai/tools')).body)).not.toContain('postgres.query');

      await sample.call('patch', '/api/settings/connectors/jdedwards', { body: { licensed: true } });
      await sample.call('patch', '/api/settings/connectors/postgres', { body: { licensed: false } });
      expect((await sample.get('/api/connectors/jdedwards/business-units')).status).toBe(403);
      expect((await sample.get('/api/connectors/postgres/schemas')).status).toBe(200);
    });

    it('PATCH /api/settings/connectors/:id: 404 for an unknown id, 400 for a bad body', async () => {
      expect(
        (await sample.call('patch', '/api/settings/connectors/oracle', { body: { licensed: false } })).status,
      ).toBe(404);
      const bad = await sample.call('patch', '/api/settings/connectors/sap', { body: { licensed: 'no' } });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toEqual(['licensed must be a boolean value']);
    });
  });

  describe('soft enforcement (no key)', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      sample = await SampleApp.start(kit, { enforcement: 'soft' });
    });
    afterAll(() => sample.close());

    it('gates nothing: every connector, app and tool is usable; any AI provider is allowed', async () => {
      expect((await sample.get('/health', null)).status).toBe(200);
      const catalogue = (await sample.get('/api/catalogue')).body;
      expect(ids(catalogue.connectors)).toEqual(['jdedwards', 'postgres', 'rest', 'sap', 'snowflake']);
      expect(ids(catalogue.apps)).toEqual(['nomajde', 'nomasx-1']);
      expect((await sample.get('/api/connectors/sap')).status).toBe(200);
      expect((await sample.get('/api/connectors/sap/tables')).status).toBe(200);
      expect(ids((await sample.get('/api/ai/tools')).body)).toContain('snowflake.query');
      const ai = await sample.call('post', '/api/ai/messages', { body: { provider: 'openai', message: 'hi' } });
      expect(ai.status).toBe(200);
      const view = (await sample.get('/api/license')).body;
      expect(view).toMatchObject({ status: 'not-configured', enforcement: 'soft' });
    });
  });

  describe('unreadable public key', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      const token = await issue(kit, { claims: claims({ connectors: ['sap'] }) });
      sample = await SampleApp.start(kit, { token, publicKeyPath: 'keys/missing.pem' });
    });
    afterAll(() => sample.close());

    it('rejects the key with "public key unavailable (...)" and keeps serving open features', async () => {
      const view = (await sample.get('/api/license')).body;
      expect(view.status).toBe('rejected');
      expect(view.reason).toMatch(/^public key unavailable \(cannot read .*missing\.pem: ENOENT\)$/);
      expect((await sample.get('/health', null)).status).toBe(200);
      expect((await sample.get('/api/connectors/postgres')).status).toBe(200);
      expect(ids((await sample.get('/api/catalogue')).body.connectors)).toEqual(['postgres', 'rest']);
      const sap = await sample.get('/api/connectors/sap');
      expect(sap.status).toBe(403);
      // The 403 body names no path (issue 20, finding 9); license:read's /api/license keeps the detail.
      expect(sap.body).toEqual(LOCKED_SAP('rejected', 'public key unavailable'));
      expect(sap.text).not.toContain('missing.pem');
      const status = (await sample.get('/api/license/status')).body;
      expect(status).toMatchObject({ valid: false, error: view.reason });
    });
  });

  describe('expired while running', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      fakeClock(); // the key expires an hour from now: the test moves the clock instead of waiting
      const token = await issue(kit, {
        claims: claims({ connectors: ['sap'], apps: ['nomajde'] }),
        expiresInSeconds: 3600,
      });
      sample = await SampleApp.start(kit, { token });
    });
    afterAll(async () => {
      jest.useRealTimers();
      await sample.close();
    });

    it('locks licensed features at exp without a request or a restart, keeps the last claims on show', async () => {
      expect((await sample.get('/api/license')).body.status).toBe('accepted');
      expect((await sample.get('/api/connectors/sap/tables')).status).toBe(200);
      const menusBefore = (await sample.get('/api/menus')).body as Array<{ app?: string }>;
      expect(menusBefore.some((m) => m.app === 'nomajde')).toBe(true);

      await jest.advanceTimersByTimeAsync(3_600_000 - 1_000);
      expect((await sample.get('/health', null)).body.info?.license?.licenseStatus).toBe('accepted');
      await jest.advanceTimersByTimeAsync(1_000); // exp
      expect((await sample.get('/health', null)).body.info?.license?.licenseStatus).toBe('rejected');

      const view = (await sample.get('/api/license')).body;
      expect(view.reason).toMatch(/^expired \(\d{4}-\d{2}-\d{2}\)$/);
      expect(view).toMatchObject({ status: 'rejected', customer: 'Acme Corp', expiryLevel: 'expired' });
      expect((await sample.get('/api/connectors/sap/tables')).status).toBe(403);
      expect((await sample.get('/api/connectors/sap')).body).toEqual(LOCKED_SAP('rejected', view.reason));
      expect(ids((await sample.get('/api/catalogue')).body.connectors)).toEqual(['postgres', 'rest']);
      const menusAfter = (await sample.get('/api/menus')).body as Array<{ app?: string }>;
      expect(menusAfter.some((m) => m.app)).toBe(false);
      expect(ids((await sample.get('/api/ai/tools')).body)).not.toContain('sap.query');
      expect((await sample.get('/api/license/status')).body).toMatchObject({
        valid: false,
        customer: 'Acme Corp',
        error: view.reason,
      });
      expect((await sample.get('/health', null)).status).toBe(200);
    });
  });
});
