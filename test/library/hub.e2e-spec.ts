import { jest } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import request from 'supertest';
import {
  LicenseConfigurationError,
  LicenseGuard,
  LicenseModule,
  LicenseService,
  RequiresLicense,
  type LicenseEvent,
  type LicenseModuleOptions,
} from '@liberty/license';
import { LICENSE_ENVIRONMENT } from '../../libs/license/src/license.internal-constants.js';
import { advance, fakeClock, settled } from '../support/fake-clock.js';
import { CapturingLogger } from './support/capturing-logger.js';
import { FakeHub, hubStatus, json } from './support/fake-hub.js';
import { MutableEnvironment } from './support/mutable-environment.js';
import { until } from '../support/poll.js';
import { specTimeout } from '../support/suite.js';

// Real HTTP hubs on a shared machine: generous timeouts, no speed assertions. Where a test is about
// time passing (an answer expiring, the trust ending) it fakes the clock instead of waiting.
specTimeout(60_000);

describe('hub', () => {
  const TOKEN = 'hub-test-token-7f3a9c';
  // Kept before any test fakes the clock.
  const realSetTimeout = globalThis.setTimeout;

  @Controller('api/pika')
  class PikaController {
    @Get('run')
    @RequiresLicense('product:pika')
    run() {
      return { ran: true };
    }
  }

  interface Satellite {
    app: INestApplication;
    license: LicenseService;
    logger: CapturingLogger;
    events: LicenseEvent[];
    env: MutableEnvironment;
  }

  const running: Satellite[] = [];

  /** A satellite app (guard on, HTTP on port 0) fed by `hub`. */
  async function satellite(
    hub: Partial<NonNullable<LicenseModuleOptions['hub']>> & { url: string },
    extra: Partial<LicenseModuleOptions> = {},
  ): Promise<Satellite> {
    const env = new MutableEnvironment({ HUB_TOKEN: TOKEN });
    const logger = new CapturingLogger();
    const dynamic = LicenseModule.forRoot({ hub: { token: '${HUB_TOKEN}', ...hub }, ...extra });
    const moduleRef: TestingModule = await Test.createTestingModule({
      imports: [
        { ...dynamic, providers: [...(dynamic.providers ?? []), { provide: LICENSE_ENVIRONMENT, useValue: env }] },
      ],
      controllers: [PikaController],
      providers: [{ provide: APP_GUARD, useExisting: LicenseGuard }],
    })
      .setLogger(logger)
      .compile();
    const app = moduleRef.createNestApplication({ logger });
    const license = app.get(LicenseService);
    const events: LicenseEvent[] = [];
    license.events$.subscribe((event) => events.push(event));
    await app.listen(0, '127.0.0.1');
    const s = { app, license, logger, events, env };
    running.push(s);
    return s;
  }

  let hub: FakeHub;
  beforeEach(async () => {
    hub = await FakeHub.start();
  });
  afterEach(async () => {
    jest.useRealTimers();
    for (const s of running.splice(0)) await s.app.close();
    await hub.down();
  });

  const warningsOf = (s: Satellite) => s.license.state.warnings.join('\n');

  describe('a satellite fed by a real HTTP hub', () => {
    it("accepts the hub's answer: products → product:<id>, seats → the user cap, the token sent as Bearer", async () => {
      const s = await satellite({ url: hub.url });
      const state = s.license.state;
      expect(state.status).toBe('accepted');
      expect(s.license.isLicensed('product:pika')).toBe(true);
      expect(s.license.isLicensed('product:vera')).toBe(true);
      expect(s.license.isLicensed('product:other')).toBe(false);
      expect(state.entitlements.maxUsers).toBe(10);
      expect(state.claims).toMatchObject({ customer: 'Acme Corp', tier: 'enterprise', products: ['pika', 'vera'] });
      expect(state.source).toBe(hub.url);
      expect(hub.requests).toHaveLength(1);
      expect(hub.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(hub.requests[0].headers.accept).toBe('application/json');
      expect(s.logger.text()).toContain('license accepted — customer="Acme Corp" edition="enterprise"');
      expect(s.logger.text()).not.toContain(TOKEN);
    });

    it("the guard unlocks @RequiresLicense('product:pika') from the hub, and the hub is never asked per request", async () => {
      const s = await satellite({ url: hub.url });
      for (let i = 0; i < 20; i++) await request(s.app.getHttpServer()).get('/api/pika/run').expect(200, { ran: true });
      expect(hub.requests).toHaveLength(1);
    });

    it('a satellite is soft by default: no license, another product, expired or no hub — the route answers 200', async () => {
      const s = await satellite({ url: hub.url });
      expect(s.license.state.enforcement).toBe('soft');
      const answers: Array<Record<string, unknown>> = [
        hubStatus({ products: ['vera'] }),
        { valid: false, customer: '', tier: '', seats: 0, products: [], expires_at: 0, error: 'not configured' },
        hubStatus({ valid: false, error: 'expired (2026-01-01)', expires_at: Math.floor(Date.now() / 1000) - 86_400 }),
      ];
      for (const answer of answers) {
        hub.answer(answer);
        await s.license.refresh();
        expect(s.license.isLicensed('product:pika')).toBe(false);
        await request(s.app.getHttpServer()).get('/api/pika/run').expect(200, { ran: true });
      }
      await hub.down();
      await s.license.refresh();
      await request(s.app.getHttpServer()).get('/api/pika/run').expect(200, { ran: true });
    });

    it('restricted stays available: a hub answer without the product then locks the route with 403 LICENSE_REQUIRED', async () => {
      hub.answer(hubStatus({ products: ['vera'] }));
      const s = await satellite({ url: hub.url }, { enforcement: 'restricted' });
      const response = await request(s.app.getHttpServer()).get('/api/pika/run').expect(403);
      expect(response.body).toMatchObject({
        code: 'LICENSE_REQUIRED',
        feature: 'product:pika',
        licenseStatus: 'accepted',
      });
    });

    it('seats 0 (unknown) sets no user cap; the hub\'s rejection and "not configured" map to the same statuses', async () => {
      hub.answer(hubStatus({ seats: 0 }));
      const s = await satellite({ url: hub.url });
      expect(s.license.state.entitlements.maxUsers).toBeUndefined();

      const exp = Math.floor(Date.now() / 1000) - 86_400;
      hub.answer(hubStatus({ valid: false, error: 'expired (2026-01-01)', expires_at: exp }));
      let state = await s.license.reverify();
      expect(state).toMatchObject({ status: 'rejected', reason: 'expired (2026-01-01)' });
      expect(state.claims?.customer).toBe('Acme Corp');
      expect(s.license.isLicensed('product:pika')).toBe(false);

      hub.answer({
        valid: false,
        customer: '',
        tier: '',
        seats: 0,
        products: [],
        expires_at: 0,
        error: 'not configured',
      });
      state = await s.license.reverify();
      expect(state.status).toBe('not-configured');
      expect(state.claims).toBeUndefined();

      hub.answer(hubStatus({ valid: false, error: 'bad\u0007reason\nline', expires_at: 0, customer: '' }));
      state = await s.license.reverify();
      expect(state).toMatchObject({ status: 'rejected', reason: 'bad\\u0007reason\\u000aline' });
    });

    it('reverify() asks the hub now; one request in flight at a time, also with a refresh timer running', async () => {
      fakeClock();
      const s = await satellite({ url: hub.url, refreshSeconds: 1 });
      const answer = hubStatus({ products: ['vera'] });
      // The hub's delay is real time: the requests overlap in real time, whatever the fake clock does.
      hub.handler = (_request, response) => realSetTimeout(() => json(response, 200, answer), 300);
      const [a, b, c] = await Promise.all([s.license.reverify(), s.license.reverify(), s.license.reverify()]);
      expect([a.status, b.status, c.status]).toEqual(['accepted', 'accepted', 'accepted']);
      expect(s.license.isLicensed('product:pika')).toBe(false);
      // The refresh timer's own request (due a second after the last answer): a reverify() while it is
      // in flight (300 ms) waits for it rather than asking alongside.
      const asked = hub.requests.length;
      await jest.advanceTimersByTimeAsync(1_000); // refreshSeconds
      await settled(() => hub.requests.length > asked, "the refresh timer's request");
      await s.license.reverify();
      expect(hub.maxConcurrent).toBe(1);
      const changed = s.events.filter((e) => e.type === 'license.changed');
      expect(changed.at(-1)).toMatchObject({ revoked: ['product:pika'], granted: [] });
    });

    it('follows the hub at its next refresh (refreshSeconds) and fires license.changed', async () => {
      fakeClock();
      const s = await satellite({ url: hub.url, refreshSeconds: 1 });
      expect(s.license.isLicensed('product:pika')).toBe(true);
      hub.answer(hubStatus({ products: ['vera'] }));
      await jest.advanceTimersByTimeAsync(1_000); // refreshSeconds
      await settled(() => !s.license.isLicensed('product:pika'), 'the refresh');
      expect(s.events).toContainEqual(expect.objectContaining({ type: 'license.changed', revoked: ['product:pika'] }));
    });

    it('hub down at startup → not-configured with "license hub unreachable (…)"; recovers when the hub comes back', async () => {
      fakeClock();
      await hub.down();
      const s = await satellite({ url: hub.url, refreshSeconds: 1 });
      expect(s.license.state.status).toBe('not-configured');
      expect(warningsOf(s)).toMatch(/^license hub unreachable \(ECONNREFUSED\)$/);
      expect(s.logger.linesOf('liberty.licensing')).toContainEqual(['warn', 'license hub unreachable (ECONNREFUSED)']);
      await hub.up();
      await jest.advanceTimersByTimeAsync(1_000); // the first retry comes within 1 s (HUB_RETRY_FIRST_SECONDS)
      await settled(() => s.license.state.status === 'accepted', 'recovery');
      expect(s.license.state.warnings).toEqual([]);
      expect(s.license.isLicensed('product:pika')).toBe(true);
    });

    it('hub down later → keeps the last answer with a warning until its expires_at, then locks (license.expired)', async () => {
      fakeClock();
      const expiresAt = Math.floor(Date.now() / 1000) + 60;
      // No keep-alive: the next request meets the closed port, not a pooled socket the hub just dropped.
      hub.handler = (_request, response) => {
        response.setHeader('connection', 'close');
        json(response, 200, hubStatus({ expires_at: expiresAt }));
      };
      const s = await satellite({ url: hub.url, refreshSeconds: 1, retryMaxSeconds: 1 }, { enforcement: 'restricted' });
      expect(s.license.state.status).toBe('accepted');
      await hub.down();
      await jest.advanceTimersByTimeAsync(1_000); // the next refresh, refused by the closed port
      await settled(() => s.license.state.warnings.length > 0, 'a failed refresh');
      expect(s.license.state.status).toBe('accepted');
      expect(s.license.isLicensed('product:pika')).toBe(true);
      expect(s.license.state.warnings[0]).toBe('license hub unreachable (ECONNREFUSED)');
      expect(s.license.state.warnings[1]).toMatch(/^keeping the hub's answer of \S+Z until \S+Z$/);
      await jest.advanceTimersByTimeAsync(60_000); // past expires_at
      await settled(() => s.license.state.status === 'rejected', 'the cached answer to expire');
      expect(s.license.state.reason).toMatch(/^expired \(\d{4}-\d\d-\d\d\)$/);
      expect(s.license.isLicensed('product:pika')).toBe(false);
      expect(s.events.some((e) => e.type === 'license.expired')).toBe(true);
      await request(s.app.getHttpServer()).get('/api/pika/run').expect(403);
      // Still locked on the next failed refresh, not revived by the stale answer.
      const again = await s.license.reverify();
      expect(again.status).toBe('rejected');
    });

    it.each<[string, unknown, string]>([
      ['a string expires_at', hubStatus({ expires_at: '2026-12-31T00:00:00Z' }), 'expires_at must be an integer'],
      ['a null error', hubStatus({ error: null }), 'error must be a string'],
      ['a string valid', hubStatus({ valid: 'true' }), 'valid must be a boolean'],
      ['a fractional seat count', hubStatus({ seats: 2.5 }), 'seats must be an integer'],
      ['a products string', hubStatus({ products: 'pika' }), 'products must be an array of strings'],
      ['a bad product id', hubStatus({ products: ['pi ka'] }), 'products has a bad id "pi ka"'],
      ['a JSON array', [1, 2], 'not a JSON object'],
      ['garbage', '<html>oops</html>', 'not JSON'],
      ['valid without expiry', hubStatus({ expires_at: 0 }), 'a valid license must have expires_at'],
    ])('%s is "license hub answered an invalid status (…)", never a crash', async (_name, body, why) => {
      hub.answer(body);
      const s = await satellite({ url: hub.url });
      expect(s.license.state.status).toBe('not-configured');
      expect(s.license.state.warnings).toEqual([`license hub answered an invalid status (${why})`]);
    });

    it('a body larger than 64 KiB is refused without buffering it', async () => {
      hub.answer(hubStatus({ customer: 'x'.repeat(100_000) }));
      const s = await satellite({ url: hub.url });
      expect(s.license.state.warnings).toEqual([
        'license hub answered an invalid status (body larger than 65536 bytes)',
      ]);
      // Chunked (no content-length) is cut off as well.
      hub.handler = (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"customer":"');
        response.end(`${'y'.repeat(70_000)}"}`);
      };
      const state = await s.license.reverify();
      expect(state.warnings[0]).toBe('license hub answered an invalid status (body larger than 65536 bytes)');
    });

    it.each<[number, string, string]>([
      [500, 'license hub unreachable (HTTP 500)', 'not-configured'],
      [
        401,
        'license hub unreachable (HTTP 401; the hub refused the token: check that it is valid and may read the license status)',
        'rejected',
      ],
      [
        403,
        'license hub unreachable (HTTP 403; the hub refused the token: check that it is valid and may read the license status)',
        'rejected',
      ],
      [
        302,
        'license hub unreachable (HTTP 302; redirects are not followed, configure the final URL)',
        'not-configured',
      ],
    ])('HTTP %i gives a clear warning', async (status, warning, licenseStatus) => {
      hub.handler = (_request, response) => {
        response.writeHead(status, { location: 'http://127.0.0.1:9/elsewhere', 'content-type': 'application/json' });
        response.end('{}');
      };
      const s = await satellite({ url: hub.url });
      expect(s.license.state.status).toBe(licenseStatus);
      expect(s.license.state.warnings).toEqual([warning]);
      expect(hub.requests).toHaveLength(1);
    });

    it('a hub that never answers times out (timeoutMs) and startup goes on', async () => {
      hub.handler = () => undefined; // accepts the request, never answers
      const s = await satellite({ url: hub.url, timeoutMs: 300 });
      expect(s.license.state.status).toBe('not-configured');
      expect(s.license.state.warnings).toEqual(['license hub unreachable (no answer within 300 ms)']);
    });

    it('a hub that sends headers and then stalls the body times out too', async () => {
      hub.handler = (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"valid":');
      };
      const s = await satellite({ url: hub.url, timeoutMs: 300 });
      expect(s.license.state.warnings).toEqual(['license hub unreachable (no answer within 300 ms)']);
    });

    it('startup waits at most startupWaitMs; a slower answer is applied when it arrives', async () => {
      hub.handler = (_request, response) => {
        setTimeout(() => json(response, 200, hubStatus()), 600); // 3 × startupWaitMs
      };
      const s = await satellite({ url: hub.url, startupWaitMs: 200, timeoutMs: 10_000 });
      expect(s.license.state.status).toBe('not-configured');
      expect(s.license.state.warnings).toEqual([
        'license hub unreachable (no answer within 200 ms at startup; still waiting)',
      ]);
      await until('the late answer', () => s.license.state.status === 'accepted', { timeoutMs: 15_000 });
      expect(s.events).toContainEqual(
        expect.objectContaining({ type: 'license.changed', granted: ['product:pika', 'product:vera'] }),
      );
      expect(hub.requests).toHaveLength(1);
    });

    it('the token variable is read on every request (rotation); unset → "license hub token unavailable (…)", no request', async () => {
      const s = await satellite({ url: hub.url });
      s.env.set('HUB_TOKEN', 'rotated-token');
      await s.license.reverify();
      expect(hub.requests.at(-1)!.headers.authorization).toBe('Bearer rotated-token');
      s.env.set('HUB_TOKEN', undefined);
      const asked = hub.requests.length;
      const state = await s.license.reverify();
      expect(hub.requests).toHaveLength(asked);
      expect(state.warnings[0]).toBe('license hub token unavailable (HUB_TOKEN is not set)');
      // The last answer is kept (stale-if-error).
      expect(state.status).toBe('accepted');
      expect(s.logger.text()).not.toContain('rotated-token');
      expect(s.logger.text()).not.toContain(TOKEN);
    });

    it('a token that is not a valid header value (a second line in its file) is refused before fetch, never quoted', async () => {
      const s = await satellite({ url: hub.url });
      const asked = hub.requests.length;
      s.env.set('HUB_TOKEN', 'secret-hub-token-ABCDEF\nsecond-line-XYZ');
      const state = await s.license.reverify();
      expect(hub.requests).toHaveLength(asked);
      expect(state.warnings[0]).toBe(
        'license hub token unavailable (HUB_TOKEN holds characters not allowed in an HTTP header)',
      );
      expect(JSON.stringify(state)).not.toContain('secret-hub-token');
      expect(s.logger.text()).not.toContain('secret-hub-token');
    });

    it('soft enforcement applies to a satellite as to a local key', async () => {
      hub.answer(hubStatus({ products: [] }));
      const s = await satellite({ url: hub.url }, { enforcement: 'soft' });
      await request(s.app.getHttpServer()).get('/api/pika/run').expect(200);
    });

    it('after maxStaleSeconds without a good answer the state is not licensed, reason "hub unreachable"; a good answer restores it', async () => {
      fakeClock();
      const s = await satellite({ url: hub.url, refreshSeconds: 3600, maxStaleSeconds: 2, retryMaxSeconds: 1 });
      expect(s.license.state.status).toBe('accepted');
      hub.answer({ message: 'maintenance' }, 503);
      await s.license.refresh();
      expect(s.license.state.status).toBe('accepted');
      expect(s.license.state.warnings[0]).toBe('license hub unreachable (HTTP 503)');
      await jest.advanceTimersByTimeAsync(2_000); // maxStaleSeconds
      await settled(() => s.license.state.status === 'rejected', 'the trust to end');
      expect(s.license.state).toMatchObject({ status: 'rejected', reason: 'hub unreachable' });
      expect(s.license.isLicensed('product:pika')).toBe(false);
      expect(s.events).toContainEqual(
        expect.objectContaining({ type: 'license.changed', revoked: ['product:pika', 'product:vera'] }),
      );
      hub.answer(hubStatus());
      await jest.advanceTimersByTimeAsync(1_000); // retryMaxSeconds
      await settled(() => s.license.state.status === 'accepted', 'the retry to find the hub back');
    });

    it('a 401 from the hub ends the trust at once, with the warning', async () => {
      const s = await satellite({ url: hub.url });
      expect(s.license.state.status).toBe('accepted');
      hub.answer({ message: 'Unauthorized' }, 401);
      const state = await s.license.refresh();
      expect(state).toMatchObject({ status: 'rejected', reason: 'hub refused the token (HTTP 401)' });
      expect(state.warnings).toEqual([
        'license hub unreachable (HTTP 401; the hub refused the token: check that it is valid and may read the license status)',
      ]);
      expect(s.license.isLicensed('product:pika')).toBe(false);
    });

    it('refresh() asks at once, whatever the backoff was waiting for', async () => {
      const s = await satellite({ url: hub.url, refreshSeconds: 3600 });
      const asked = hub.requests.length;
      await s.license.refresh();
      expect(hub.requests).toHaveLength(asked + 1);
    });

    it("judges expiry by the hub's clock (its Date header); a skew above 5 minutes is a warning in state and log", async () => {
      // The hub's clock is 15 minutes behind this process; its answer expires 10 minutes from ITS now.
      const hubNow = Date.now() - 15 * 60_000;
      hub.handler = (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', date: new Date(hubNow).toUTCString() });
        response.end(JSON.stringify(hubStatus({ expires_at: Math.floor(hubNow / 1000) + 600 })));
      };
      const s = await satellite({ url: hub.url });
      expect(s.license.state.status).toBe('accepted');
      expect(s.license.isLicensed('product:pika')).toBe(true);
      const warning = s.license.state.warnings.find((w) => w.startsWith('this clock is'));
      expect(warning).toMatch(
        /^this clock is 9\d\d s ahead of the hub's \(more than 300 s\); expiry is judged by the hub's clock$/,
      );
      expect(s.logger.linesOf('liberty.licensing')).toContainEqual(['warn', warning]);
    });

    it('after app.close() no timer asks the hub again', async () => {
      fakeClock();
      const s = await satellite({ url: hub.url, refreshSeconds: 1 });
      // A witness on the same hub and the same clock, with its own token: its refreshes pace the
      // wait. Its third request after the close is due 2 s later, after any timer the closed one had.
      const witness = await satellite({ url: hub.url, refreshSeconds: 1 });
      witness.env.set('HUB_TOKEN', 'witness-token');
      const from = (token: string) => hub.requests.filter((r) => r.headers.authorization === `Bearer ${token}`).length;
      running.splice(running.indexOf(s), 1);
      await s.app.close();
      const asked = from(TOKEN);
      const witnessed = from('witness-token');
      // The clock moves in 100 ms steps (each request's answer comes in between), far past 3 refreshes.
      await advance(30_000, { until: () => from('witness-token') >= witnessed + 3 });
      expect(from(TOKEN)).toBe(asked);
    });
  });

  describe('hub configuration errors', () => {
    const fails = async (options: LicenseModuleOptions) => {
      let error: unknown;
      try {
        await Test.createTestingModule({ imports: [LicenseModule.forRoot(options)] })
          .setLogger(new CapturingLogger())
          .compile();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(LicenseConfigurationError);
      return (error as Error).message;
    };

    it('hub and a local key are mutually exclusive', async () => {
      expect(await fails({ hub: { url: 'http://127.0.0.1:1/s' }, licenseKey: '${K}', audience: 'liberty' })).toBe(
        'License configuration error: hub: a satellite reads its license from the hub, so it has no local key: ' +
          'remove licenseKey, audience (hub and a local key are mutually exclusive)',
      );
      expect(await fails({ hub: { url: 'http://127.0.0.1:1/s' }, publicKey: 'pem' })).toContain('remove publicKey (');
    });

    it.each<[string, LicenseModuleOptions['hub'], string]>([
      ['no url', { url: '' }, 'hub.url: must be the http(s) URL'],
      ['ftp', { url: 'ftp://hub/status' }, 'hub.url: must be the http(s) URL'],
      [
        'credentials in the url',
        { url: 'https://user:secret@hub/status' },
        'hub.url: must not carry a user name or password',
      ],
      [
        'a literal token',
        { url: 'https://hub/status', token: 'abc123' },
        'hub.token: must reference an environment variable as ${NAME}',
      ],
      [
        'refreshSeconds 0',
        { url: 'https://hub/status', refreshSeconds: 0 },
        'hub.refreshSeconds: must be a whole number from 1 to 604800',
      ],
      [
        'timeoutMs 1.5',
        { url: 'https://hub/status', timeoutMs: 1.5 },
        'hub.timeoutMs: must be a whole number from 100 to 120000',
      ],
      [
        'startupWaitMs -1',
        { url: 'https://hub/status', startupWaitMs: -1 },
        'hub.startupWaitMs: must be a whole number from 0 to 60000',
      ],
      [
        'maxStaleSeconds 0',
        { url: 'https://hub/status', maxStaleSeconds: 0 },
        'hub.maxStaleSeconds: must be a whole number from 1 to 31536000',
      ],
      [
        'retryMaxSeconds 61',
        { url: 'https://hub/status', retryMaxSeconds: 61 },
        'hub.retryMaxSeconds: must be a whole number from 1 to 60',
      ],
    ])('%s is a configuration error', async (_name, hubOptions, message) => {
      const text = await fails({ hub: hubOptions });
      expect(text).toContain(`License configuration error: ${message}`);
      expect(text).not.toContain('secret');
      expect(text).not.toContain('abc123');
    });

    it('a satellite refuses reconfigure() to a local key, and keeps its hub for enforcement changes', async () => {
      const hubServer = await FakeHub.start();
      try {
        const s = await satellite({ url: hubServer.url });
        await expect(s.license.reconfigure({ licenseKey: '${OTHER}' })).rejects.toThrow('remove licenseKey');
        const state = await s.license.reconfigure({ enforcement: 'soft' });
        expect(state).toMatchObject({ status: 'accepted', enforcement: 'soft' });
      } finally {
        for (const s of running.splice(0)) await s.app.close();
        await hubServer.down();
      }
    });
  });
});
