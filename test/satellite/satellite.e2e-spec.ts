import { jest } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import request from 'supertest';
import { FakeHub, hubStatus, json } from '../library/support/fake-hub.js';
import { sampleToml, unique } from '../sample/sample-fixture.js';
import { AppProcess, freePort, requireBuilt, SAMPLE_MAIN, SATELLITE_MAIN, until } from './processes.js';

// The real sample app as the hub and the real PIKA satellite, both child processes on real ports,
// driven over HTTP. Child processes on a shared 2-core machine: generous timeouts.
jest.setTimeout(120_000);

const ADMIN = 'satellite-test-admin-token';
const DAY = 86_400;

let kit: LicenseTestKit;
let dir: string;
const started: AppProcess[] = [];

beforeAll(async () => {
  requireBuilt();
  kit = await LicenseTestKit.create();
  dir = await mkdtemp(join(tmpdir(), 'liberty-satellite-'));
  await writeFile(join(dir, 'public.pem'), kit.publicKey);
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((app) => app.stop()));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** An ai.doo-style key for the hub: products, seats, tier. */
function aidooKey(products: string[], expiresInSeconds = 365 * DAY): Promise<string> {
  return kit.issue({
    claims: { customer: 'Acme Corp', tier: 'enterprise', edition: undefined, products, seats: 5, features: undefined },
    expiresInSeconds,
  });
}

interface Hub {
  app: AppProcess;
  url: string;
  keyFile: string;
  keyVar: string;
}

/** The sample app as the hub; its key in a `_FILE` secret (so a test can rotate it) or in the variable. */
async function startHub(key: string, port = 0, keyIn: 'file' | 'env' = 'file'): Promise<Hub> {
  const keyVar = unique('LIBERTY_HUB_TEST_KEY');
  const configPath = join(dir, `${keyVar}.toml`);
  const keyFile = join(dir, `${keyVar}.jwt`);
  await writeFile(configPath, sampleToml({ keyVar, pollMs: 200 }));
  await writeFile(keyFile, key);
  const app = AppProcess.start(SAMPLE_MAIN, {
    PORT: String(port),
    LIBERTY_CONFIG: configPath,
    LIBERTY_ADMIN_TOKEN: ADMIN,
    LIBERTY_DATA_DIR: join(dir, `${keyVar}-data`),
    ...(keyIn === 'file' ? { [`${keyVar}_FILE`]: keyFile } : { [keyVar]: key }),
  });
  started.push(app);
  return { app, url: await app.listening(), keyFile, keyVar };
}

/** A service account on the hub holding only license:read (what a satellite should use). */
async function serviceToken(hub: Hub): Promise<string> {
  const response = await request(hub.url)
    .post('/api/users')
    .set('Authorization', `Bearer ${ADMIN}`)
    .send({ name: 'pika-satellite', permissions: ['license:read'] });
  expect(response.status).toBe(201);
  return response.body.token as string;
}

async function startSatellite(hubUrl: string, token: string, env: Record<string, string> = {}): Promise<{ app: AppProcess; url: string }> {
  const app = AppProcess.start(SATELLITE_MAIN, {
    PORT: '0',
    LIBERTY_HUB_URL: hubUrl,
    LIBERTY_HUB_TOKEN: token,
    LIBERTY_HUB_REFRESH_SECONDS: '1',
    ...env,
  });
  started.push(app);
  return { app, url: await app.listening() };
}

const licenseOf = async (url: string) => (await request(url).get('/api/license').expect(200)).body;

describe('PIKA, a satellite fed by the sample app as hub (both real processes)', () => {
  it('unlocks product:pika from the hub, then follows the hub\'s key change at its next refresh', async () => {
    const first = await aidooKey(['pika', 'vera']);
    const hub = await startHub(first);
    const token = await serviceToken(hub);
    const pika = await startSatellite(hub.url, token);

    expect((await request(pika.url).get('/health').expect(200)).body).toEqual({ status: 'ok', license: 'accepted' });
    expect((await request(pika.url).get('/api/pika/run').expect(200)).body).toMatchObject({ product: 'pika', ran: true });
    const view = await licenseOf(pika.url);
    expect(view).toMatchObject({
      status: 'accepted',
      customer: 'Acme Corp',
      edition: 'enterprise',
      products: ['pika', 'vera'],
      users: { max: 5 },
      hub: `${hub.url}/api/license/status`,
      warnings: [],
    });

    // The hub's key changes (rotated secret file): the satellite follows at its next refresh.
    const second = await aidooKey(['vera']);
    await writeFile(hub.keyFile, second);
    await until(async () => (await request(pika.url).get('/api/pika/run')).status === 403, 'the satellite to follow the hub');
    const locked = await request(pika.url).get('/api/pika/run');
    expect(locked.body).toMatchObject({ code: 'LICENSE_REQUIRED', feature: 'product:pika', licenseStatus: 'accepted' });

    // Neither the key nor the token ever shows in the satellite's responses or logs.
    const everything = JSON.stringify(await licenseOf(pika.url)) + pika.app.output;
    for (const secret of [first, second, token]) expect(everything).not.toContain(secret);
    expect(pika.app.output).toContain('license accepted — customer="Acme Corp" edition="enterprise"');
  });

  it('the hub going away: the satellite keeps its last answer with a warning, then locks at the cached expires_at', async () => {
    const hub = await startHub(await aidooKey(['pika'], 30));
    const pika = await startSatellite(hub.url, ADMIN);
    await request(pika.url).get('/api/pika/run').expect(200);

    await hub.app.stop();
    await until(async () => (await licenseOf(pika.url)).warnings.length > 0, 'a failed refresh');
    const stale = await licenseOf(pika.url);
    expect(stale.status).toBe('accepted');
    expect(stale.warnings[0]).toBe('license hub unreachable (ECONNREFUSED)');
    expect(stale.warnings[1]).toMatch(/^keeping the hub's answer of .+ until it expires at .+$/);
    await request(pika.url).get('/api/pika/run').expect(200);
    expect(pika.app.output).toContain('license hub unreachable (ECONNREFUSED)');

    await until(async () => (await licenseOf(pika.url)).status === 'rejected', 'the cached answer to expire', 60_000);
    const expired = await licenseOf(pika.url);
    expect(expired.reason).toMatch(/^expired \(\d{4}-\d\d-\d\d\)$/);
    expect((await request(pika.url).get('/api/pika/run').expect(403)).body.licenseStatus).toBe('rejected');
    expect((await request(pika.url).get('/health').expect(200)).body).toEqual({ status: 'ok', license: 'rejected' });
  });

  it('hub down at startup → not-configured with the warning; recovers when the hub comes up', async () => {
    const port = await freePort();
    const pika = await startSatellite(`http://127.0.0.1:${port}`, ADMIN);
    expect((await request(pika.url).get('/health').expect(200)).body).toEqual({ status: 'ok', license: 'not-configured' });
    expect((await licenseOf(pika.url)).warnings).toEqual(['license hub unreachable (ECONNREFUSED)']);
    await request(pika.url).get('/api/pika/run').expect(403);

    await startHub(await aidooKey(['pika']), port);
    await until(async () => (await licenseOf(pika.url)).status === 'accepted', 'recovery');
    await request(pika.url).get('/api/pika/run').expect(200);
    expect((await licenseOf(pika.url)).warnings).toEqual([]);
  });

  it('a wrong token (401) and a token without license:read (403) each give a clear warning', async () => {
    const hub = await startHub(await aidooKey(['pika']), 0, 'env');
    const right = await startSatellite(hub.url, await serviceToken(hub));
    expect((await licenseOf(right.url)).status).toBe('accepted');
    const wrong = await startSatellite(hub.url, 'not-a-token');
    expect((await licenseOf(wrong.url)).warnings).toEqual(['license hub unreachable (HTTP 401; check the token, it needs license:read)']);

    const response = await request(hub.url)
      .post('/api/users')
      .set('Authorization', `Bearer ${ADMIN}`)
      .send({ name: 'no-license-read', permissions: ['users:write'] });
    const weak = await startSatellite(hub.url, response.body.token);
    expect((await licenseOf(weak.url)).warnings).toEqual(['license hub unreachable (HTTP 403; check the token, it needs license:read)']);
    await request(weak.url).get('/api/pika/run').expect(403);
  });

  it('a hub answering garbage, a 500 or nothing: a clear warning each, the last answer kept, never a crash', async () => {
    const fake = await FakeHub.start();
    try {
      const base = fake.url.replace('/api/license/status', '');
      const pika = await startSatellite(base, ADMIN, { LIBERTY_HUB_TIMEOUT_MS: '500' });
      expect((await licenseOf(pika.url)).status).toBe('accepted');
      const behaviours: Array<[string, () => void]> = [
        ['license hub answered an invalid status (not JSON)', () => fake.answer('<html>maintenance</html>')],
        ['license hub answered an invalid status (expires_at must be an integer)', () => fake.answer(hubStatus({ expires_at: '2027-01-01T00:00:00Z' }))],
        ['license hub unreachable (HTTP 500)', () => fake.answer({ message: 'boom' }, 500)],
        ['license hub unreachable (no answer within 500 ms)', () => (fake.handler = () => undefined)],
      ];
      for (const [warning, behave] of behaviours) {
        behave();
        await until(async () => (await licenseOf(pika.url)).warnings[0] === warning, warning);
        const view = await licenseOf(pika.url);
        expect(view.status).toBe('accepted');
        expect(view.warnings[1]).toMatch(/^keeping the hub's answer of /);
        await request(pika.url).get('/api/pika/run').expect(200);
        expect(pika.app.output).toContain(warning);
      }
      fake.handler = (_request, response) => json(response, 200, hubStatus({ products: ['vera'] }));
      await until(async () => (await licenseOf(pika.url)).warnings.length === 0, 'the hub to answer again');
      await request(pika.url).get('/api/pika/run').expect(403);
      expect(pika.app.child.exitCode).toBeNull();
    } finally {
      await fake.down();
    }
  });

  it('without LIBERTY_HUB_URL the satellite exits 1 with one clear line', async () => {
    const app = AppProcess.start(SATELLITE_MAIN, { PORT: '0' });
    started.push(app);
    expect(await app.exited).toBe(1);
    expect(app.output.trim()).toBe('LIBERTY_HUB_URL is not set: the base URL of the hub, e.g. http://localhost:3000');
  });
});
