import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import request from 'supertest';
import { FakeHub, hubStatus, json } from '../library/support/fake-hub.js';
import { sampleToml, unique } from '../sample/sample-fixture.js';
import { AppProcess, requireBuilt, SAMPLE_MAIN, SATELLITE_MAIN } from '../support/apps.js';
import { until } from '../support/poll.js';
import { specTimeout } from '../support/suite.js';

// The real sample app as the hub and the real PIKA satellite, both child processes on real ports,
// driven over HTTP. Child processes on a shared 2-core machine: generous timeouts.
specTimeout(120_000);

describe('satellite', () => {
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
      claims: {
        customer: 'Acme Corp',
        tier: 'enterprise',
        edition: undefined,
        products,
        seats: 5,
        features: undefined,
      },
      expiresInSeconds,
    });
  }

  interface Hub {
    app: AppProcess;
    url: string;
    keyFile: string;
    keyVar: string;
  }

  /**
   * The sample app as the hub, its key in a `_FILE` secret (so a test can rotate it). Not in `started`:
   * one hub serves several tests, and whoever starts it stops it.
   */
  async function startHub(key: string): Promise<Hub> {
    const keyVar = unique('LIBERTY_HUB_TEST_KEY');
    const configPath = join(dir, `${keyVar}.toml`);
    const keyFile = join(dir, `${keyVar}.jwt`);
    await writeFile(configPath, sampleToml({ keyVar, pollMs: 200 }));
    await writeFile(keyFile, key);
    const app = AppProcess.spawn(SAMPLE_MAIN, {
      PORT: '0',
      LIBERTY_CONFIG: configPath,
      LIBERTY_ADMIN_TOKEN: ADMIN,
      LIBERTY_DATA_DIR: join(dir, `${keyVar}-data`),
      [`${keyVar}_FILE`]: keyFile,
    });
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

  const SATELLITE_ADMIN = 'satellite-admin-token-0123456789';

  async function startSatellite(
    hubUrl: string,
    token: string,
    env: Record<string, string> = {},
  ): Promise<{ app: AppProcess; url: string }> {
    const app = AppProcess.spawn(SATELLITE_MAIN, {
      PORT: '0',
      LIBERTY_HUB_URL: hubUrl,
      LIBERTY_HUB_TOKEN: token,
      LIBERTY_ADMIN_TOKEN: SATELLITE_ADMIN,
      LIBERTY_HUB_REFRESH_SECONDS: '1',
      LIBERTY_HUB_RETRY_MAX_SECONDS: '1',
      ...env,
    });
    started.push(app);
    return { app, url: await app.listening() };
  }

  const licenseOf = async (url: string) =>
    (await request(url).get('/api/license').set('Authorization', `Bearer ${SATELLITE_ADMIN}`).expect(200)).body;
  const bannerOf = async (url: string) =>
    (await request(url).get('/api/license/status').expect(200)).body.banner as string;
  /** The admin's POST /api/license/refresh: the satellite asks the hub now; answers the full view. */
  const refreshOf = async (url: string) =>
    (await request(url).post('/api/license/refresh').set('Authorization', `Bearer ${SATELLITE_ADMIN}`).expect(200))
      .body;

  describe('PIKA, a satellite fed by the sample app as hub (both real processes)', () => {
    // One real hub for the tests about its status route, tokens and key; the key-rotating test runs last.
    describe('against one sample app as hub', () => {
      let hub: Hub;
      let hubKey: string;
      let token: string;
      beforeAll(async () => {
        hubKey = await aidooKey(['pika']);
        hub = await startHub(hubKey);
        token = await serviceToken(hub);
      });
      afterAll(() => hub?.app.stop());

      it('a wrong token (401) and a token without license:read (403) each give a clear warning', async () => {
        const response = await request(hub.url)
          .post('/api/users')
          .set('Authorization', `Bearer ${ADMIN}`)
          .send({ name: 'no-license-read', permissions: ['users:write'] });
        expect(response.status).toBe(201);
        const [right, wrong, weak] = await Promise.all([
          startSatellite(hub.url, token),
          startSatellite(hub.url, 'not-a-token'),
          startSatellite(hub.url, response.body.token),
        ]);
        expect((await licenseOf(right.url)).status).toBe('accepted');
        expect(await licenseOf(wrong.url)).toMatchObject({
          status: 'rejected',
          reason: 'hub refused the token (HTTP 401)',
          warnings: [
            'license hub unreachable (HTTP 401; the hub refused the token: check that it is valid and may read the license status)',
          ],
        });
        expect(await licenseOf(weak.url)).toMatchObject({
          reason: 'hub refused the token (HTTP 403)',
          warnings: [
            'license hub unreachable (HTTP 403; the hub refused the token: check that it is valid and may read the license status)',
          ],
        });
        await request(weak.url).get('/api/pika/run').expect(200);
      });

      it('PIKA and VERA: one satellite code base, two products, against one hub', async () => {
        const [pika, vera, locked] = await Promise.all([
          startSatellite(hub.url, token),
          startSatellite(hub.url, token, { LIBERTY_PRODUCT: 'vera' }),
          // Restricted on purpose: VERA then locks its route as PIKA does.
          startSatellite(hub.url, token, { LIBERTY_PRODUCT: 'vera', LIBERTY_ENFORCEMENT: 'restricted' }),
        ]);
        expect((await request(pika.url).get('/api/pika/run').expect(200)).body).toMatchObject({
          product: 'pika',
          ran: true,
        });
        expect((await request(vera.url).get('/api/vera/run').expect(200)).body).toMatchObject({
          product: 'vera',
          ran: true,
        });
        await request(vera.url).get('/api/pika/run').expect(404);
        await request(pika.url).get('/api/vera/run').expect(404);
        expect(await licenseOf(pika.url)).toMatchObject({ product: 'pika', licensed: true, status: 'accepted' });
        // The hub's key lists pika only: VERA runs (soft) and says it is not licensed.
        expect(await licenseOf(vera.url)).toMatchObject({
          product: 'vera',
          licensed: false,
          status: 'accepted',
          products: ['pika'],
        });
        expect(vera.app.output).toContain('VERA satellite listening on');

        expect((await request(locked.url).get('/api/vera/run').expect(403)).body).toMatchObject({
          code: 'LICENSE_REQUIRED',
          feature: 'product:vera',
        });
      });

      it("unlocks product:pika from the hub, then follows the hub's key change at its next refresh (restricted on purpose)", async () => {
        const pika = await startSatellite(hub.url, token, { LIBERTY_ENFORCEMENT: 'restricted' });

        expect((await request(pika.url).get('/health').expect(200)).body).toEqual({
          status: 'ok',
          license: 'accepted',
        });
        expect((await request(pika.url).get('/api/pika/run').expect(200)).body).toMatchObject({
          product: 'pika',
          ran: true,
        });
        const view = await licenseOf(pika.url);
        expect(view).toMatchObject({
          status: 'accepted',
          customer: 'Acme Corp',
          edition: 'enterprise',
          products: ['pika'],
          users: { max: 5 },
          hub: `${hub.url}/api/license/status`,
          warnings: [],
          product: 'pika',
          licensed: true,
          enforcement: 'restricted',
          banner: '',
        });

        // The hub's key changes (rotated secret file): the satellite follows at its next refresh.
        const second = await aidooKey(['vera']);
        await writeFile(hub.keyFile, second);
        await until(
          'the satellite to follow the hub',
          async () => (await request(pika.url).get('/api/pika/run')).status === 403,
          { timeoutMs: 30_000, ignoreErrors: true },
        );
        const locked = await request(pika.url).get('/api/pika/run');
        expect(locked.body).toMatchObject({
          code: 'LICENSE_REQUIRED',
          feature: 'product:pika',
          licenseStatus: 'accepted',
        });

        // Neither the key nor the token ever shows in the satellite's responses or logs.
        const everything = JSON.stringify(await licenseOf(pika.url)) + pika.app.output;
        for (const secret of [hubKey, second, token]) expect(everything).not.toContain(secret);
        expect(pika.app.output).toContain('license accepted — customer="Acme Corp" edition="enterprise"');
      });
    });

    it('the hub going away: the last answer is kept with a warning for maxStaleSeconds, then "hub unreachable"; PIKA keeps working', async () => {
      const fake = await FakeHub.start();
      try {
        // No keep-alive: once the hub is down the next request meets the closed port, not a pooled socket.
        fake.handler = (_request, response) => {
          response.setHeader('connection', 'close');
          json(response, 200, hubStatus({ products: ['pika'] }));
        };
        // No refresh timer: the test asks, so the 3 s of trust start at an answer it knows of.
        const pika = await startSatellite(fake.base, ADMIN, {
          LIBERTY_HUB_MAX_STALE_SECONDS: '3',
          LIBERTY_HUB_REFRESH_SECONDS: '3600',
        });
        await request(pika.url).get('/api/pika/run').expect(200);
        expect((await refreshOf(pika.url)).warnings).toEqual([]);

        await fake.down();
        const failed = await refreshOf(pika.url);
        const stale = await licenseOf(pika.url);
        for (const view of [failed, stale]) {
          expect(view.status).toBe('accepted');
          expect(view.warnings[0]).toBe('license hub unreachable (ECONNREFUSED)');
          expect(view.warnings[1]).toMatch(/^keeping the hub's answer of .+ until .+$/);
        }
        expect(pika.app.output).toContain('license hub unreachable (ECONNREFUSED)');

        await until('the trust to end', async () => (await licenseOf(pika.url)).status === 'rejected', {
          timeoutMs: 60_000,
          ignoreErrors: true,
        });
        const gone = await licenseOf(pika.url);
        expect(gone).toMatchObject({
          reason: 'hub unreachable',
          licensed: false,
          banner: 'License rejected — hub unreachable',
        });
        expect(await bannerOf(pika.url)).toBe('License rejected — hub unreachable');
        await request(pika.url).get('/api/pika/run').expect(200);
        expect((await request(pika.url).get('/health').expect(200)).body).toEqual({
          status: 'ok',
          license: 'rejected',
        });
      } finally {
        await fake.down();
      }
    });

    it('hub down at startup → not-configured with the warning; recovers when the hub comes up', async () => {
      const fake = await FakeHub.start();
      try {
        await fake.down(); // its port stays its own: up() listens on it again
        const pika = await startSatellite(fake.base, ADMIN);
        expect((await request(pika.url).get('/health').expect(200)).body).toEqual({
          status: 'ok',
          license: 'not-configured',
        });
        expect((await licenseOf(pika.url)).warnings).toEqual(['license hub unreachable (ECONNREFUSED)']);
        await request(pika.url).get('/api/pika/run').expect(200);
        expect(await bannerOf(pika.url)).toBe('No license — activate to remove this notice');

        // Retries are capped at LIBERTY_HUB_RETRY_MAX_SECONDS (1 s here; 60 s by default).
        await fake.up();
        await until('recovery', async () => (await licenseOf(pika.url)).status === 'accepted', {
          timeoutMs: 30_000,
          ignoreErrors: true,
        });
        expect((await licenseOf(pika.url)).licensed).toBe(true);
        expect(await bannerOf(pika.url)).toBe('');
        expect((await licenseOf(pika.url)).warnings).toEqual([]);
      } finally {
        await fake.down();
      }
    });

    it('a hub answering garbage, a 500 or nothing: a clear warning each, the last answer kept, never a crash', async () => {
      const fake = await FakeHub.start();
      try {
        const base = fake.base;
        // Short enough to hang on purpose below, long enough for a loaded 2-core machine's first answer.
        const pika = await startSatellite(base, ADMIN, { LIBERTY_HUB_TIMEOUT_MS: '2000' });
        expect((await licenseOf(pika.url)).status).toBe('accepted');
        const behaviours: Array<[string, () => void]> = [
          ['license hub answered an invalid status (not JSON)', () => fake.answer('<html>maintenance</html>')],
          [
            'license hub answered an invalid status (expires_at must be an integer)',
            () => fake.answer(hubStatus({ expires_at: '2027-01-01T00:00:00Z' })),
          ],
          ['license hub unreachable (HTTP 500)', () => fake.answer({ message: 'boom' }, 500)],
          ['license hub unreachable (no answer within 2000 ms)', () => (fake.handler = () => undefined)],
        ];
        // Each change is asked for at once (POST refresh) rather than at the next timed refresh; a probe
        // that shares a request already under way sees the hub's previous behaviour and asks again.
        for (const [warning, behave] of behaviours) {
          behave();
          await until(warning, async () => (await refreshOf(pika.url)).warnings[0] === warning, {
            timeoutMs: 30_000,
            ignoreErrors: true,
          });
          const view = await licenseOf(pika.url);
          expect(view.status).toBe('accepted');
          expect(view.warnings[1]).toMatch(/^keeping the hub's answer of /);
          await request(pika.url).get('/api/pika/run').expect(200);
          expect(pika.app.output).toContain(warning);
        }
        fake.handler = (_request, response) => json(response, 200, hubStatus({ products: ['vera'] }));
        await until('the hub to answer again', async () => (await refreshOf(pika.url)).warnings.length === 0, {
          timeoutMs: 30_000,
          ignoreErrors: true,
        });
        expect((await licenseOf(pika.url)).licensed).toBe(false);
        await request(pika.url).get('/api/pika/run').expect(200);
        expect(pika.app.child.exitCode).toBeNull();
      } finally {
        await fake.down();
      }
    });

    it('"an unlicensed installation remains fully functional": PIKA answers 200 in every license state, with the hub\'s banner', async () => {
      const fake = await FakeHub.start();
      try {
        const base = fake.base;
        const pika = await startSatellite(base, ADMIN);
        const states: Array<[string, () => void, string]> = [
          ['licensed', () => fake.answer(hubStatus()), ''],
          [
            'no license',
            () =>
              fake.answer({
                valid: false,
                customer: '',
                tier: '',
                seats: 0,
                products: [],
                expires_at: 0,
                error: 'not configured',
              }),
            'No license — activate to remove this notice',
          ],
          [
            'expired',
            () =>
              fake.answer(
                hubStatus({
                  valid: false,
                  error: 'expired (2026-01-01)',
                  expires_at: Math.floor(Date.now() / 1000) - 86_400,
                }),
              ),
            'License expired',
          ],
          ['another product', () => fake.answer(hubStatus({ products: ['vera'] })), ''],
          [
            'token refused',
            () => fake.answer({ message: 'Unauthorized' }, 401),
            'License rejected — hub refused the token (HTTP 401)',
          ],
        ];
        for (const [name, behave, banner] of states) {
          behave();
          await request(pika.url)
            .post('/api/license/refresh')
            .set('Authorization', `Bearer ${SATELLITE_ADMIN}`)
            .expect(200);
          expect([name, await bannerOf(pika.url)]).toEqual([name, banner]);
          expect([name, (await request(pika.url).get('/api/pika/run')).status]).toEqual([name, 200]);
        }
      } finally {
        await fake.down();
      }
    });

    it("the satellite's admin routes take LIBERTY_ADMIN_TOKEN; anyone else sees at most valid, expiry and the banner", async () => {
      const fake = await FakeHub.start();
      try {
        const base = fake.base;
        const [pika, noAdmin] = await Promise.all([
          startSatellite(base, 'hub-token-never-shown-123', { LIBERTY_HUB_REFRESH_SECONDS: '3600' }),
          startSatellite(base, ADMIN, { LIBERTY_ADMIN_TOKEN: '', LIBERTY_HUB_REFRESH_SECONDS: '3600' }),
        ]);
        for (const auth of [undefined, 'Bearer wrong-token-wrong-token-wrong', `Basic ${SATELLITE_ADMIN}`]) {
          const get = request(pika.url).get('/api/license');
          const post = request(pika.url).post('/api/license/refresh');
          if (auth) {
            get.set('Authorization', auth);
            post.set('Authorization', auth);
          }
          expect((await get).status).toBe(401);
          expect((await post).status).toBe(401);
        }
        const open = (await request(pika.url).get('/api/license/status').expect(200)).body;
        expect(Object.keys(open).sort()).toEqual(['banner', 'expiresAt', 'product', 'valid']);
        expect(open).toMatchObject({ product: 'pika', valid: true, banner: '' });
        expect(JSON.stringify(open)).not.toContain('Acme');

        // POST /api/license/refresh asks the hub at once (counted by PIKA's token: noAdmin asks the same hub).
        const fromPika = () =>
          fake.requests.filter((r) => r.headers.authorization === 'Bearer hub-token-never-shown-123').length;
        const asked = fromPika();
        fake.answer(hubStatus({ products: ['vera'] }));
        const refreshed = await request(pika.url)
          .post('/api/license/refresh')
          .set('Authorization', `Bearer ${SATELLITE_ADMIN}`)
          .expect(200);
        expect(fromPika()).toBe(asked + 1);
        expect(refreshed.body).toMatchObject({ licensed: false, products: ['vera'] });
        expect(pika.app.output).not.toContain('hub-token-never-shown-123');
        expect(pika.app.output).not.toContain(SATELLITE_ADMIN);

        // Without LIBERTY_ADMIN_TOKEN nobody is admin.
        await request(noAdmin.url).get('/api/license').set('Authorization', 'Bearer ').expect(401);
      } finally {
        await fake.down();
      }
    });

    it("one clock: a PIKA 15 min ahead of the hub judges expiry by the hub's Date header, with a skew warning", async () => {
      const fake = await FakeHub.start();
      try {
        fake.handler = (_request, response) => {
          const hubNow = Date.now() - 15 * 60_000;
          response.writeHead(200, { 'content-type': 'application/json', date: new Date(hubNow).toUTCString() });
          response.end(JSON.stringify(hubStatus({ expires_at: Math.floor(hubNow / 1000) + 600 })));
        };
        const pika = await startSatellite(fake.base, ADMIN);
        const view = await licenseOf(pika.url);
        expect(view).toMatchObject({ status: 'accepted', licensed: true });
        expect(view.warnings).toContainEqual(
          expect.stringMatching(
            /^this clock is 9\d\d s ahead of the hub's \(more than 300 s\); expiry is judged by the hub's clock$/,
          ),
        );
        expect(pika.app.output).toMatch(/this clock is 9\d\d s ahead of the hub's/);
      } finally {
        await fake.down();
      }
    });

    it('a bad LIBERTY_PRODUCT or LIBERTY_HUB_MAX_STALE_SECONDS exits 1 with one clear line', async () => {
      const refused = (
        [
          [{ LIBERTY_PRODUCT: 'zeta' }, 'LIBERTY_PRODUCT must be pika or vera'],
          [{ LIBERTY_HUB_MAX_STALE_SECONDS: 'forever' }, 'LIBERTY_HUB_MAX_STALE_SECONDS must be a whole number'],
        ] as const
      ).map(([env, line]) => {
        const app = AppProcess.spawn(SATELLITE_MAIN, { PORT: '0', LIBERTY_HUB_URL: 'http://127.0.0.1:9', ...env });
        started.push(app);
        return { app, line };
      });
      for (const { app, line } of refused) {
        expect(await app.exited).toBe(1);
        expect(app.output.trim()).toBe(line);
      }
    });

    it('without LIBERTY_HUB_URL the satellite exits 1 with one clear line', async () => {
      const app = AppProcess.spawn(SATELLITE_MAIN, { PORT: '0' });
      started.push(app);
      expect(await app.exited).toBe(1);
      expect(app.output.trim()).toBe('LIBERTY_HUB_URL is not set: the base URL of the hub, e.g. http://localhost:3000');
    });
  });
});
