import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { parse } from 'smol-toml';
import { claims, issue, SampleApp, unique } from './sample-fixture.js';
import { until } from '../support/poll.js';

// Key rotation without a restart: via the settings page, via the variable + reverify, and via
// <NAME>_FILE (picked up by itself).

const connectorIds = async (sample: SampleApp) =>
  ((await sample.get('/api/catalogue')).body.connectors as Array<{ id: string }>).map((c) => c.id).sort();

describe('key rotation', () => {
  let kit: LicenseTestKit;
  let keyA: string;
  let keyB: string;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    keyA = await issue(kit, { claims: claims({ connectors: ['sap'] }, { customer: 'Customer A' }) });
    keyB = await issue(kit, {
      claims: claims({ connectors: ['snowflake'], apps: ['nomasx-1'] }, { customer: 'Customer B' }),
    });
  });

  describe('via the settings page', () => {
    let sample: SampleApp;
    const otherVar = unique('LIBERTY_TEST_ROTATED');
    beforeAll(async () => {
      sample = await SampleApp.start(kit, { token: keyA });
    });
    afterAll(async () => {
      delete process.env[otherVar];
      await sample.close();
    });

    it('PUT license_key = ${OTHER} switches to the key in OTHER, live, and writes only the reference', async () => {
      expect(await connectorIds(sample)).toEqual(['postgres', 'rest', 'sap']);
      process.env[otherVar] = keyB;
      const response = await sample.call('put', '/api/settings/framework/license', {
        body: { license_key: `\${${otherVar}}` },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        license_key: `\${${otherVar}}`,
        public_key_path: 'public.pem',
        enforcement: 'restricted',
      });

      const view = (await sample.get('/api/license')).body;
      expect(view).toMatchObject({
        status: 'accepted',
        customer: 'Customer B',
        connectors: [{ id: 'snowflake', defined: true }],
      });
      expect(await connectorIds(sample)).toEqual(['postgres', 'rest', 'snowflake']);
      expect((await sample.get('/api/connectors/sap/tables')).status).toBe(403);
      expect((await sample.get('/api/connectors/snowflake/warehouses')).status).toBe(200);
      expect(((await sample.get('/api/apps')).body as Array<{ id: string }>).map((a) => a.id)).toEqual(['nomasx-1']);
      const tools = ((await sample.get('/api/ai/tools')).body as Array<{ id: string }>).map((t) => t.id);
      expect(tools).toContain('snowflake.query');
      expect(tools).not.toContain('sap.query');

      const text = await sample.readConfig();
      expect((parse(text) as { license: { license_key: string } }).license.license_key).toBe(`\${${otherVar}}`);
      expect(text).not.toContain(keyB);
    });

    it('PUT to an unset variable: not configured, restricted, open features still served', async () => {
      const unset = unique('LIBERTY_TEST_UNSET');
      expect(
        (await sample.call('put', '/api/settings/framework/license', { body: { license_key: `\${${unset}}` } })).status,
      ).toBe(200);
      expect((await sample.get('/api/license')).body.status).toBe('not-configured');
      expect(await connectorIds(sample)).toEqual(['postgres', 'rest']);
      expect((await sample.get('/health', null)).status).toBe(200);
    });

    it('PUT public_key_path to another signing authority re-verifies with it', async () => {
      const partner = await LicenseTestKit.create();
      await writeFile(join(sample.dir, 'partner.pem'), partner.publicKey);
      process.env[otherVar] = await issue(partner, {
        claims: claims({ connectors: ['jdedwards'] }, { customer: 'Partner customer' }),
      });
      const response = await sample.call('put', '/api/settings/framework/license', {
        body: { license_key: `\${${otherVar}}`, public_key_path: 'partner.pem' },
      });
      expect(response.status).toBe(200);
      expect((await sample.get('/api/license')).body).toMatchObject({
        status: 'accepted',
        customer: 'Partner customer',
      });
      expect(await connectorIds(sample)).toEqual(['jdedwards', 'postgres', 'rest']);
    });
  });

  describe('via the variable and POST /api/license/reverify', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      sample = await SampleApp.start(kit, { token: keyA });
    });
    afterAll(() => sample.close());

    it('re-reads the variable and returns the new License tab', async () => {
      process.env[sample.keyVar] = keyB;
      expect((await sample.get('/api/license')).body.customer).toBe('Customer A');
      const response = await sample.call('post', '/api/license/reverify');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: 'accepted',
        customer: 'Customer B',
        connectors: [{ id: 'snowflake', defined: true }],
      });
      // Equal but for `replicas[].lastSeenAt` (this replica is seen "now" on each call).
      const withoutLastSeen = (body: { replicas: Array<Record<string, unknown>> }) => ({
        ...body,
        replicas: body.replicas.map(({ lastSeenAt: _, ...replica }) => replica),
      });
      expect(withoutLastSeen(response.body)).toEqual(withoutLastSeen((await sample.get('/api/license')).body));
      expect(await connectorIds(sample)).toEqual(['postgres', 'rest', 'snowflake']);
    });

    it('a key from another signer is rejected ("signature invalid"): licensed features lock, open ones stay', async () => {
      const stranger = await LicenseTestKit.create();
      process.env[sample.keyVar] = await issue(stranger, { claims: claims({ connectors: ['sap', 'snowflake'] }) });
      const response = await sample.call('post', '/api/license/reverify');
      expect(response.body).toMatchObject({ status: 'rejected', reason: 'signature invalid', customer: null });
      expect(await connectorIds(sample)).toEqual(['postgres', 'rest']);
      expect((await sample.get('/api/connectors/snowflake')).body).toMatchObject({
        code: 'LICENSE_REQUIRED',
        reason: 'signature invalid',
      });
      expect((await sample.get('/api/license/status')).body).toMatchObject({
        valid: false,
        error: 'signature invalid',
      });
      expect((await sample.get('/health', null)).status).toBe(200);
    });
  });

  describe('via LIBERTY_LICENSE_KEY_FILE (a mounted secret)', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      sample = await SampleApp.start(kit, { token: keyA, viaFile: true, pollMs: 50 });
    });
    afterAll(() => sample.close());

    it('reads the key from <NAME>_FILE and picks up a rotated secret by itself', async () => {
      expect((await sample.get('/api/license')).body).toMatchObject({ status: 'accepted', customer: 'Customer A' });
      // A secret update as Kubernetes does it: a new file renamed over the old one.
      const secret = process.env[`${sample.keyVar}_FILE`]!;
      await writeFile(`${secret}.new`, `${keyB}\n`);
      await rename(`${secret}.new`, secret);
      await until('the rotated secret', async () => (await sample.get('/api/license')).body.customer === 'Customer B', {
        timeoutMs: 15_000,
      });
      expect(await connectorIds(sample)).toEqual(['postgres', 'rest', 'snowflake']);
      expect((await sample.get('/api/connectors/sap/tables')).status).toBe(403);
    });

    it('POST /api/license/reverify re-reads the file too', async () => {
      const secret = process.env[`${sample.keyVar}_FILE`]!;
      const keyC = await issue(kit, {
        claims: claims({ connectors: ['sap', 'snowflake'] }, { customer: 'Customer C' }),
      });
      await writeFile(secret, keyC);
      const response = await sample.call('post', '/api/license/reverify');
      expect(response.body).toMatchObject({ status: 'accepted', customer: 'Customer C' });
      expect(await connectorIds(sample)).toEqual(['postgres', 'rest', 'sap', 'snowflake']);
    });
  });
});
