import { jest } from '@jest/globals';
import { Controller, Get, Injectable, Module, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import request from 'supertest';
import {
  AiUsageLimiter,
  LicenseConfigurationError,
  LicenseService,
  SEAT_COUNTER,
  type SeatCounter,
} from '@liberty/license';
import { LicenseHealthIndicator, type LicenseHealthCondition } from '@liberty/license/terminus';
import { LICENSE_METRIC_NAMES, LicenseMetricsModule } from '@liberty/license/prometheus';
import { LicenseTestKit, type TestLicenseState } from '@liberty/license/testing';
import { CapturingLogger } from './support/capturing-logger.js';
import { fakeClock } from '../support/fake-clock.js';
import { specTimeout } from '../support/suite.js';

specTimeout(60_000);

describe('operations', () => {
  let kit: LicenseTestKit;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });

  const DAY = 86_400;
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  describe('@liberty/license/terminus: LicenseHealthIndicator', () => {
    let app: INestApplication | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    async function serve(state: TestLicenseState, downWhen?: LicenseHealthCondition[]) {
      @Controller()
      class HealthController {
        constructor(
          private readonly health: HealthCheckService,
          private readonly license: LicenseHealthIndicator,
        ) {}

        @Get('health')
        @HealthCheck()
        check() {
          return this.health.check([() => this.license.isHealthy('license', { downWhen })]);
        }
      }
      const moduleRef = await Test.createTestingModule({
        imports: [await kit.module({ state, claims: { exp: nowSeconds() + 20 * DAY } }), TerminusModule],
        controllers: [HealthController],
        providers: [LicenseHealthIndicator],
      })
        .setLogger(new CapturingLogger())
        .compile();
      app = moduleRef.createNestApplication();
      await app.init();
      return request(app.getHttpServer());
    }

    const expected = {
      accepted: {
        licenseStatus: 'accepted',
        reason: null,
        expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        daysLeft: 20,
      },
      'not-configured': { licenseStatus: 'not-configured', reason: null, expiresAt: null, daysLeft: null },
      rejected: { licenseStatus: 'rejected', reason: 'signature invalid', expiresAt: null, daysLeft: null },
      expired: {
        licenseStatus: 'rejected',
        reason: expect.stringMatching(/^expired \(\d{4}-\d\d-\d\d\)$/),
        expiresAt: expect.any(String),
        daysLeft: -1,
      },
    } as const;

    it.each(Object.keys(expected) as TestLicenseState[])(
      '%s: up (restricted mode is a normal mode, not an outage)',
      async (state) => {
        const response = await (await serve(state)).get('/health').expect(200);
        const license = { status: 'up', ...expected[state] };
        expect(response.body).toEqual({ status: 'ok', info: { license }, error: {}, details: { license } });
      },
    );

    it.each<[TestLicenseState, LicenseHealthCondition[], number]>([
      ['accepted', ['not-configured', 'rejected'], 200],
      ['not-configured', ['not-configured', 'rejected'], 503],
      ['rejected', ['not-configured', 'rejected'], 503],
      ['expired', ['not-configured', 'rejected'], 503],
      ['expired', ['expired'], 503],
      ['rejected', ['expired'], 200],
      ['not-configured', ['expired'], 200],
    ])('%s with downWhen %j: HTTP %i', async (state, downWhen, status) => {
      const response = await (await serve(state, downWhen)).get('/health').expect(status);
      const license = { status: status === 200 ? 'up' : 'down', ...expected[state] };
      expect(response.body).toEqual(
        status === 200
          ? { status: 'ok', info: { license }, error: {}, details: { license } }
          : { status: 'error', info: {}, error: { license }, details: { license } },
      );
    });
  });

  /** Prometheus text exposition → `name{labels}` → value. */
  function parseExposition(text: string): Map<string, number> {
    const samples = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const at = line.lastIndexOf(' ');
      samples.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
    return samples;
  }

  @Injectable()
  class Users implements SeatCounter {
    enabled = 3;
    enabledUsers() {
      return this.enabled;
    }
  }

  describe('@liberty/license/prometheus: LicenseMetricsModule', () => {
    const apps: INestApplication[] = [];
    afterEach(async () => {
      jest.useRealTimers();
      for (const app of apps.splice(0)) await app.close();
    });

    async function start(
      registry: Registry,
      options: { state?: TestLicenseState; claims?: Record<string, unknown>; token?: string } = {},
    ) {
      @Module({
        providers: [Users, AiUsageLimiter, { provide: SEAT_COUNTER, useExisting: Users }],
        exports: [Users, AiUsageLimiter],
      })
      class UsersModule {}
      const moduleRef = await Test.createTestingModule({
        imports: [await kit.module(options), UsersModule, LicenseMetricsModule.forRoot({ registry })],
      })
        .setLogger(new CapturingLogger())
        .compile();
      const app = moduleRef.createNestApplication();
      await app.init();
      apps.push(app);
      return app;
    }

    const scrape = async (registry: Registry) => parseExposition(await registry.metrics());

    it('after startup every metric is present with the license values', async () => {
      const registry = new Registry();
      const exp = nowSeconds() + 40 * DAY;
      const app = await start(registry, {
        claims: {
          exp,
          customer: 'Acme "Corp"',
          edition: 'enterprise',
          features: { connectors: ['sap'], users: { max: 25 }, ai: { providers: ['anthropic'], messagesPerDay: 500 } },
        },
      });
      await app.get(AiUsageLimiter).consume('anthropic');
      const samples = await scrape(registry);
      expect(Object.fromEntries(samples)).toEqual({
        liberty_license_valid: 1,
        liberty_license_expiry_timestamp_seconds: exp,
        'liberty_license_info{status="accepted",customer="Acme \\"Corp\\"",edition="enterprise"}': 1,
        liberty_license_seats_limit: 25,
        liberty_license_seats_used: 3,
        liberty_ai_messages_used: 1,
        liberty_ai_messages_limit: 500,
        'liberty_license_verifications_total{result="accepted"}': 1,
      });
      const text = await registry.metrics();
      for (const name of LICENSE_METRIC_NAMES) expect(text).toContain(`# TYPE ${name} `);
    });

    it('not configured: valid 0, no expiry, no caps', async () => {
      const registry = new Registry();
      await start(registry, { state: 'not-configured' });
      expect(Object.fromEntries(await scrape(registry))).toMatchObject({
        liberty_license_valid: 0,
        liberty_license_expiry_timestamp_seconds: 0,
        'liberty_license_info{status="not-configured",customer="",edition=""}': 1,
        liberty_license_seats_limit: 0,
        liberty_ai_messages_limit: 0,
        'liberty_license_verifications_total{result="not-configured"}': 1,
      });
    });

    it('re-verification, seat changes and usage are reflected; the old info series is gone', async () => {
      const registry = new Registry();
      const app = await start(registry);
      app.get(Users).enabled = 9;
      let samples = await scrape(registry);
      expect(samples.get('liberty_license_seats_used')).toBe(9);
      await app.get(LicenseService).reverify();
      await app.get(LicenseService).reconfigure({ publicKey: (await LicenseTestKit.create()).publicKey });
      samples = await scrape(registry);
      expect(samples.get('liberty_license_valid')).toBe(0);
      expect(samples.get('liberty_license_verifications_total{result="accepted"}')).toBe(2);
      expect(samples.get('liberty_license_verifications_total{result="rejected"}')).toBe(1);
      expect(samples.get('liberty_license_info{status="rejected",customer="",edition=""}')).toBe(1);
      expect([...samples.keys()].filter((key) => key.startsWith('liberty_license_info'))).toHaveLength(1);
    });

    it('expiry while running: valid drops to 0 at exp, without a scrape-time verification', async () => {
      fakeClock(); // the key expires an hour from now: the test moves the clock instead of waiting
      const registry = new Registry();
      const exp = nowSeconds() + 3600;
      await start(registry, { claims: { exp } });
      await jest.advanceTimersByTimeAsync(3_600_000 - 1_000);
      expect((await scrape(registry)).get('liberty_license_valid')).toBe(1);
      await jest.advanceTimersByTimeAsync(1_000);
      const samples = await scrape(registry);
      expect(samples.get('liberty_license_valid')).toBe(0);
      expect(samples.get('liberty_license_expiry_timestamp_seconds')).toBe(exp);
      // Accepted at startup, then rejected at exp: two snapshots, one verification each.
      expect(samples.get('liberty_license_verifications_total{result="accepted"}')).toBe(1);
      expect(samples.get('liberty_license_verifications_total{result="rejected"}')).toBe(1);
      expect([...samples.keys()].filter((key) => key.startsWith('liberty_license_info'))).toEqual([
        'liberty_license_info{status="rejected",customer="Test Customer",edition="enterprise"}',
      ]);
    });

    it('a failing seat counter never fails the scrape: the last value is kept', async () => {
      const registry = new Registry();
      const app = await start(registry);
      expect((await scrape(registry)).get('liberty_license_seats_used')).toBe(3);
      Object.assign(app.get(Users), { enabledUsers: () => Promise.reject(new Error('database down')) });
      const samples = await scrape(registry);
      expect(samples.get('liberty_license_seats_used')).toBe(3);
      expect(samples.get('liberty_license_valid')).toBe(1);
    });

    it('two apps in one process, each with its own registry, report their own license', async () => {
      const [one, two] = [new Registry(), new Registry()];
      await start(one, { state: 'accepted' });
      await start(two, { state: 'not-configured' });
      expect((await scrape(one)).get('liberty_license_valid')).toBe(1);
      expect((await scrape(two)).get('liberty_license_valid')).toBe(0);
    });

    it('registering twice on one registry is not an error: the newest app reports; closing the older leaves it', async () => {
      const registry = new Registry();
      const first = await start(registry, { state: 'accepted' });
      await start(registry, { state: 'not-configured' });
      expect((await scrape(registry)).get('liberty_license_valid')).toBe(0);
      await first.close();
      apps.splice(apps.indexOf(first), 1);
      expect((await scrape(registry)).get('liberty_license_valid')).toBe(0);
    });

    it('closing the app removes its metrics from the host registry', async () => {
      const registry = new Registry();
      const app = await start(registry);
      await app.close();
      apps.splice(apps.indexOf(app), 1);
      expect(await registry.metrics()).toBe('\n');
    });

    it('without a registry: a configuration error (never the default registry implicitly)', () => {
      expect(() => LicenseMetricsModule.forRoot({} as never)).toThrow(LicenseConfigurationError);
      expect(() => LicenseMetricsModule.forRoot(undefined as never)).toThrow(/registry/);
    });

    it('without a seat counter or AI usage in the app the used gauges stay 0', async () => {
      const registry = new Registry();
      const moduleRef = await Test.createTestingModule({
        imports: [await kit.module(), LicenseMetricsModule.forRoot({ registry })],
      })
        .setLogger(new CapturingLogger())
        .compile();
      const app = moduleRef.createNestApplication();
      await app.init();
      apps.push(app);
      const samples = await scrape(registry);
      expect([
        samples.get('liberty_license_seats_used'),
        samples.get('liberty_ai_messages_used'),
        samples.get('liberty_license_valid'),
      ]).toEqual([0, 0, 1]);
    });
  });
});
