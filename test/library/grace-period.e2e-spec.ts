// Grace period (issue 14): option `graceDays`. From exp to exp + graceDays the key stays accepted
// with `grace.endsAt`, a warning and a `license.grace` event at exp; `license.expired` fires at the
// end of grace. Fake timers for the calendar (year-long keys, long graces), real timers for one
// transition, restarts inside and after the grace period, and the verifier's order of checks.
import { jest } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { firstValueFrom, filter, timeout, type Observable } from 'rxjs';
import { buildLicenseStatusView } from '@liberty/license/status';
import {
  LicenseConfigurationError,
  LicenseModule,
  LicenseService,
  OnLicenseEvent,
  type LicenseEvent,
  type LicenseGraceEvent,
  type LicenseModuleOptions,
} from '@liberty/license';
import { publicKeySet, verifyLicenseToken, type PublicKeySet } from '@liberty/license/verify';
import { LicenseTestKit } from '@liberty/license/testing';
import { LICENSE_ENVIRONMENT } from '../../libs/license/src/license.internal-constants.js';
import { CapturingLogger } from './support/capturing-logger.js';
import { MutableEnvironment } from './support/mutable-environment.js';
import { b64url, DAY_S, seconds } from './support/tokens.js';
import { specTimeout } from '../support/suite.js';

specTimeout(30_000);

describe('grace-period', () => {
  const DAY_MS = DAY_S * 1000;
  const NOW = new Date('2030-01-01T00:00:00Z');
  const fake = () => jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });

  let kit: LicenseTestKit;
  let keys: PublicKeySet;
  const open: TestingModule[] = [];

  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    const set = publicKeySet([[undefined, kit.publicKey]]);
    if (!set.ok) throw new Error(set.why);
    keys = set.keys;
  });
  afterEach(async () => {
    for (const moduleRef of open.splice(0)) await moduleRef.close();
    jest.useRealTimers();
  });

  @Injectable()
  class Listeners {
    readonly seen: string[] = [];
    @OnLicenseEvent('license.grace')
    grace(event: LicenseGraceEvent): void {
      this.seen.push(`grace:${event.graceEndsAt.toISOString()}`);
    }
  }

  async function start(options: Partial<LicenseModuleOptions>, token: string, logger = new CapturingLogger()) {
    const moduleRef = await Test.createTestingModule({
      imports: [LicenseModule.forRoot({ audience: 'liberty', publicKey: kit.publicKey, ...options })],
      providers: [Listeners],
    })
      .setLogger(logger)
      .overrideProvider(LICENSE_ENVIRONMENT)
      .useValue(new MutableEnvironment({ LIBERTY_LICENSE_KEY: token }))
      .compile();
    open.push(moduleRef);
    await moduleRef.init();
    return { license: moduleRef.get(LicenseService), listeners: moduleRef.get(Listeners), logger, moduleRef };
  }

  function record<T>(source: Observable<T>): T[] {
    const seen: T[] = [];
    source.subscribe((value) => seen.push(value));
    return seen;
  }

  const names = (events: LicenseEvent[]) =>
    events.map((e) => (e.type === 'license.expiring' ? `expiring:${e.thresholdDays}` : e.type));

  /** A key issued at `iat` (default: a year before `exp`), expiring `expDaysFromNow` days after NOW. */
  const keyExpiring = (expDaysFromNow: number) =>
    kit.issue({
      claims: {
        customer: 'Acme Corp',
        iat: seconds(NOW) - 400 * DAY_S,
        nbf: seconds(NOW) - 400 * DAY_S,
        exp: seconds(NOW) + expDaysFromNow * DAY_S,
      },
    });

  describe('graceDays with fake timers', () => {
    it('a year-long key with 14 days of grace: accepted through grace, locked at its end, events in order', async () => {
      fake();
      const token = await keyExpiring(365);
      const { license, listeners, logger } = await start({ graceDays: 14 }, token);
      const events = record(license.events$);
      const exp = new Date('2031-01-01T00:00:00Z');
      const endsAt = new Date('2031-01-15T00:00:00Z');

      await jest.advanceTimersByTimeAsync(365 * DAY_MS - 1); // 1 ms before exp
      expect(license.state.grace).toBeUndefined();
      expect(names(events)).toEqual(['expiring:30', 'expiring:7']);

      await jest.advanceTimersByTimeAsync(1); // exp: into grace, still accepted
      const warning = 'license expired on 2031-01-01 — grace period until 2031-01-15T00:00:00Z';
      expect(license.state).toMatchObject({
        status: 'accepted',
        expiresAt: exp,
        grace: { endsAt },
        warnings: [warning],
      });
      expect(license.isLicensed('connector:sap')).toBe(true);
      expect(names(events)).toEqual(['expiring:30', 'expiring:7', 'license.grace']);
      expect(events[2]).toMatchObject({
        type: 'license.grace',
        expiresAt: exp,
        graceEndsAt: endsAt,
        current: license.state,
      });
      expect(listeners.seen).toEqual(['grace:2031-01-15T00:00:00.000Z']);
      expect(logger.linesOf('liberty.licensing')).toContainEqual(['warn', warning]);

      // The status view: accepted, chip level expired, and the grace end for "expired — grace until".
      expect(buildLicenseStatusView(license.state, { now: new Date() })).toMatchObject({
        status: 'accepted',
        label: 'Accepted',
        expiryLevel: 'expired',
        graceEndsAt: '2031-01-15T00:00:00Z',
        expiresInDays: 0,
      });

      // A re-verification inside grace keeps the grace (same end) and announces nothing again.
      await jest.advanceTimersByTimeAsync(3 * DAY_MS);
      await license.reverify();
      expect(license.state).toMatchObject({ status: 'accepted', grace: { endsAt } });
      expect(names(events)).toEqual(['expiring:30', 'expiring:7', 'license.grace']);

      await jest.advanceTimersByTimeAsync(11 * DAY_MS - 1); // 1 ms before the end of grace
      expect(license.state.status).toBe('accepted');

      await jest.advanceTimersByTimeAsync(1); // end of grace
      expect(license.state).toMatchObject({
        status: 'rejected',
        reason: 'expired (2031-01-01)',
        claims: { customer: 'Acme Corp' },
      });
      expect(license.state.grace).toBeUndefined();
      expect(license.state.warnings).toEqual([]);
      expect(license.isLicensed('connector:sap')).toBe(false);
      expect(names(events)).toEqual([
        'expiring:30',
        'expiring:7',
        'license.grace',
        'license.changed',
        'license.expired',
      ]);
      expect(events[4]).toMatchObject({
        type: 'license.expired',
        expiresAt: exp,
        graceEndedAt: endsAt,
        previous: { status: 'accepted' },
      });
      expect(jest.getTimerCount()).toBe(0);
    });

    it('graceDays 0 (the default): expired exactly at exp, no license.grace', async () => {
      fake();
      const { license } = await start({}, await keyExpiring(2));
      const events = record(license.events$);
      await jest.advanceTimersByTimeAsync(2 * DAY_MS);
      expect(license.state).toMatchObject({ status: 'rejected', reason: 'expired (2030-01-03)' });
      expect(names(events)).toEqual(['license.changed', 'license.expired']);
      expect((events[1] as { graceEndedAt?: Date }).graceEndedAt).toBeUndefined();
    });

    it('a restart inside grace: accepted with the same end, license.grace announced once at startup, expired at the end', async () => {
      fake();
      const token = await keyExpiring(-3); // expired 3 days ago
      const { license, listeners } = await start({ graceDays: 7 }, token);
      const endsAt = new Date(NOW.getTime() + 4 * DAY_MS);
      expect(license.state).toMatchObject({ status: 'accepted', grace: { endsAt } });
      expect(license.state.warnings).toEqual([
        'license expired on 2029-12-29 — grace period until 2030-01-05T00:00:00Z',
      ]);
      expect(listeners.seen).toEqual(['grace:2030-01-05T00:00:00.000Z']);
      const events = record(license.events$);
      await license.reverify();
      await jest.advanceTimersByTimeAsync(4 * DAY_MS - 1);
      expect(license.state.status).toBe('accepted');
      expect(listeners.seen).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(license.state).toMatchObject({ status: 'rejected', reason: 'expired (2029-12-29)' });
      expect(names(events)).toEqual(['license.changed', 'license.expired']);
    });

    it('a restart after the grace period: rejected at once, no grace event', async () => {
      fake();
      const { license, listeners } = await start({ graceDays: 7 }, await keyExpiring(-8));
      expect(license.state).toMatchObject({ status: 'rejected', reason: 'expired (2029-12-24)' });
      expect(listeners.seen).toEqual([]);
    });

    it('a year-long key with a year of grace: timers chained (nothing fires early), all the way to the end', async () => {
      fake();
      const { license } = await start({ graceDays: 365 }, await keyExpiring(365));
      const events = record(license.events$);
      await jest.advanceTimersByTimeAsync(30 * DAY_MS); // longer than one 2^31-1 ms timer
      expect(names(events)).toEqual([]);
      await jest.advanceTimersByTimeAsync(335 * DAY_MS);
      expect(license.state.grace?.endsAt).toEqual(new Date('2032-01-01T00:00:00Z'));
      await jest.advanceTimersByTimeAsync(200 * DAY_MS);
      expect(license.state.status).toBe('accepted');
      expect(jest.getTimerCount()).toBe(1); // one step timer, never more
      await jest.advanceTimersByTimeAsync(165 * DAY_MS);
      expect(license.state.status).toBe('rejected');
      expect(names(events)).toEqual([
        'expiring:30',
        'expiring:7',
        'license.grace',
        'license.changed',
        'license.expired',
      ]);
    });

    it.each([-1, 1.5, 366, Number.NaN, '7' as unknown as number])(
      'graceDays %p is a configuration error',
      async (graceDays) => {
        await expect(start({ graceDays }, 'x')).rejects.toThrow(LicenseConfigurationError);
        await expect(start({ graceDays }, 'x')).rejects.toThrow(
          /graceDays: must be a whole number of days from 0 to 365/,
        );
      },
    );
  });

  describe('graceDays with real timers', () => {
    it('a key valid for about 2 s enters its grace period by itself and stays accepted', async () => {
      const token = await kit.issue({ expiresInSeconds: 2 });
      const { license } = await start({ graceDays: 1 }, token);
      expect(license.state.grace).toBeUndefined();
      const grace = await firstValueFrom(
        license.events$.pipe(
          filter((e): e is LicenseGraceEvent => e.type === 'license.grace'),
          timeout(8000),
        ),
      );
      expect(Date.now()).toBeGreaterThanOrEqual(grace.expiresAt.getTime());
      expect(grace.graceEndsAt.getTime() - grace.expiresAt.getTime()).toBe(DAY_MS);
      expect(license.state).toMatchObject({ status: 'accepted', grace: { endsAt: grace.graceEndsAt } });
      expect(license.isLicensed('connector:sap')).toBe(true);
    });
  });

  describe('verifyLicenseToken graceSeconds', () => {
    const now = new Date('2030-06-01T00:00:00Z');
    const claims = (expAgo: number, extra: Record<string, unknown> = {}) => ({
      claims: {
        iat: seconds(now) - 100 * DAY_S,
        nbf: seconds(now) - 100 * DAY_S,
        exp: seconds(now) - expAgo,
        ...extra,
      },
    });

    it('inside grace: accepted with grace.endsAt; at its end: expired; without grace: expired', async () => {
      const token = await kit.issue(claims(3600));
      const exp = seconds(now) - 3600;
      expect(await verifyLicenseToken(token, { keys, audience: 'liberty', now, graceSeconds: 7200 })).toMatchObject({
        status: 'accepted',
        grace: { endsAt: new Date((exp + 7200) * 1000) },
      });
      expect(await verifyLicenseToken(token, { keys, audience: 'liberty', now, graceSeconds: 3600 })).toMatchObject({
        status: 'rejected',
        reason: 'expired (2030-05-31)',
      });
      expect(await verifyLicenseToken(token, { keys, audience: 'liberty', now })).toMatchObject({
        status: 'rejected',
        reason: 'expired (2030-05-31)',
      });
    });

    it('a key not yet at exp has no grace field', async () => {
      const token = await kit.issue(claims(-3600));
      const result = await verifyLicenseToken(token, { keys, audience: 'liberty', now, graceSeconds: 7200 });
      expect(result).toEqual({ status: 'accepted', claims: expect.any(Object) });
    });

    it('grace never skips another check: audience, issuer, nbf, instance, signature', async () => {
      const options = { keys, audience: 'liberty', now, graceSeconds: 30 * DAY_S };
      const expired = await kit.issue(claims(DAY_S));
      expect(await verifyLicenseToken(expired, { ...options, audience: 'other' })).toMatchObject({
        reason: 'audience mismatch',
      });
      expect(await verifyLicenseToken(expired, { ...options, issuer: 'someone-else' })).toMatchObject({
        reason: 'issuer mismatch',
      });
      const bound = await kit.issue(claims(DAY_S, { instance: 'a' }));
      expect(await verifyLicenseToken(bound, { ...options, instance: 'b' })).toMatchObject({
        reason: 'instance mismatch',
      });
      const [header, payload, signature] = expired.split('.');
      const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      const tampered = `${header}.${b64url({ ...body, customer: 'Mallory' })}.${signature}`;
      expect(await verifyLicenseToken(tampered, options)).toEqual({ status: 'rejected', reason: 'signature invalid' });
      const bad = await kit.issue(claims(DAY_S, { seats: -1 }));
      expect(await verifyLicenseToken(bad, options)).toMatchObject({
        status: 'rejected',
        reason: expect.stringMatching(/^invalid claims \(seats/),
      });
    });
  });
});
