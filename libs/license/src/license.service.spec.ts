import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Injectable, type Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { filter, firstValueFrom, take, timeout, toArray, type Observable } from 'rxjs';
import { CapturingLogger } from '../../../test/library/support/capturing-logger.js';
import { MutableEnvironment, uniqueVariable } from '../../../test/library/support/mutable-environment.js';
import { DAY_S, seconds } from '../../../test/library/support/tokens.js';
import type {
  LicenseChangedEvent,
  LicenseEvent,
  LicenseExpiredEvent,
  LicenseExpiringEvent,
} from './interfaces/license-events.interface.js';
import type { LicenseModuleOptions } from './interfaces/license-options.interface.js';
import { LicenseConfigurationError } from './options/license-configuration.error.js';
import { LICENSE_ENVIRONMENT } from './license.internal-constants.js';
import { LicenseModule } from './license.module.js';
import { LicenseService } from './license.service.js';
import { OnLicenseEvent } from './decorators/on-license-event.decorator.js';
import { LicenseTestKit } from './testing/license.test-kit.js';

// RSA key generation and child processes are slow on a loaded 2-core CI machine; never a speed check.
jest.setTimeout(30_000);

const CONTEXT = 'liberty.licensing';
const DAY_MS = DAY_S * 1000;

let kit: LicenseTestKit;
let otherSigner: LicenseTestKit;
const open: TestingModule[] = [];

beforeAll(async () => {
  [kit, otherSigner] = await Promise.all([LicenseTestKit.create(), LicenseTestKit.create()]);
});

afterEach(async () => {
  for (const moduleRef of open.splice(0)) await moduleRef.close();
  jest.useRealTimers();
});

interface Start {
  options?: Partial<LicenseModuleOptions>;
  /** The environment the key variable is read from; process.env (through ConfigService) when absent. */
  env?: MutableEnvironment;
  providers?: Provider[];
  logger?: CapturingLogger;
}

/** LicenseModule.forRoot() trusting the kit's key, compiled and initialised (bootstrap hooks ran). */
async function start({ options = {}, env, providers = [], logger = new CapturingLogger() }: Start = {}) {
  let builder = Test.createTestingModule({
    imports: [LicenseModule.forRoot({ audience: 'liberty', publicKey: kit.publicKey, ...options })],
    providers,
  }).setLogger(logger);
  if (env) builder = builder.overrideProvider(LICENSE_ENVIRONMENT).useValue(env);
  const moduleRef = await builder.compile();
  open.push(moduleRef);
  await moduleRef.init();
  return { moduleRef, license: moduleRef.get(LicenseService), logger };
}

function record<T>(source: Observable<T>): T[] {
  const seen: T[] = [];
  source.subscribe((value) => seen.push(value));
  return seen;
}

const ofType = <T extends LicenseEvent['type']>(events: LicenseEvent[], type: T) =>
  events.filter((e): e is Extract<LicenseEvent, { type: T }> => e.type === type);

describe('LicenseService: statuses', () => {
  it('not-configured when the variable is unset or blank: nothing licensed', async () => {
    for (const value of [undefined, '', '   \n']) {
      const { license } = await start({ env: new MutableEnvironment({ LIBERTY_LICENSE_KEY: value }) });
      expect(license.state).toMatchObject({ status: 'not-configured', enforcement: 'restricted', warnings: [] });
      expect(license.state).not.toHaveProperty('reason');
      expect(license.state).not.toHaveProperty('claims');
      expect(license.isLicensed('connector:sap')).toBe(false);
    }
  });

  it('accepted: claims, entitlements, source, and in-memory feature checks', async () => {
    const token = await kit.issue({
      claims: {
        features: {
          connectors: ['sap', 'snowflake'],
          apps: ['nomajde'],
          users: { max: 250 },
          ai: { providers: ['anthropic'], messagesPerDay: 5000 },
        },
        products: ['pika'],
        seats: 100,
      },
    });
    const { license } = await start({ env: new MutableEnvironment({ LIBERTY_LICENSE_KEY: token }) });
    expect(license.state).toMatchObject({
      status: 'accepted',
      source: 'LIBERTY_LICENSE_KEY',
      claims: { customer: 'Test Customer' },
    });
    expect([...license.state.entitlements.features].sort()).toEqual([
      'ai:anthropic',
      'app:nomajde',
      'connector:sap',
      'connector:snowflake',
      'product:pika',
    ]);
    // The lower of features.users.max and seats is the cap.
    expect(license.state.entitlements).toMatchObject({
      maxUsers: 100,
      aiProviders: ['anthropic'],
      aiMessagesPerDay: 5000,
    });
    expect(license.isLicensed('connector:sap')).toBe(true);
    expect(license.isLicensed('connector:jdedwards')).toBe(false);
    expect(license.isLicensed('sap')).toBe(false);
    expect(license.state.expiresAt).toEqual(new Date(license.state.claims!.exp * 1000));
  });

  it('rejected: the reason, and nothing licensed', async () => {
    const token = await otherSigner.issue();
    const { license } = await start({ env: new MutableEnvironment({ LIBERTY_LICENSE_KEY: token }) });
    expect(license.state).toMatchObject({ status: 'rejected', reason: 'signature invalid' });
    expect(license.state).not.toHaveProperty('claims');
    expect(license.isLicensed('connector:sap')).toBe(false);
    expect(license.state.entitlements.features.size).toBe(0);
  });

  it('an expired key is rejected but keeps its claims for display', async () => {
    const { license } = await start({
      env: new MutableEnvironment({ LIBERTY_LICENSE_KEY: await kit.issue({ expiresInSeconds: -DAY_S }) }),
    });
    expect(license.state.status).toBe('rejected');
    expect(license.state.reason).toMatch(/^expired \(\d{4}-\d{2}-\d{2}\)$/);
    expect(license.state.claims).toMatchObject({ customer: 'Test Customer', edition: 'enterprise' });
    expect(license.isLicensed('connector:sap')).toBe(false);
  });

  it('soft enforcement: nothing is licensed, everything is usable', async () => {
    const { license } = await start({ options: { enforcement: 'soft' }, env: new MutableEnvironment() });
    expect(license.state).toMatchObject({ status: 'not-configured', enforcement: 'soft' });
    expect(license.isLicensed('connector:sap')).toBe(false);
    expect(license.isUsable('connector:sap')).toBe(true);
  });

  it.each<[string, string, () => Partial<LicenseModuleOptions>]>([
    [
      'a missing public key file',
      'public key unavailable (cannot read /nonexistent/liberty/public.pem: ENOENT)',
      () => ({ publicKey: undefined, publicKeyPath: '/nonexistent/liberty/public.pem' }),
    ],
    [
      'a private key as the public key',
      'public key unavailable (a private key was given; configure the public key only)',
      () => ({ publicKey: kit.privateKey }),
    ],
    ['no public key at all', 'public key unavailable (no public key configured)', () => ({ publicKey: undefined })],
  ])('%s → rejected with %s', async (_name, reason, options) => {
    const { license } = await start({
      options: options(),
      env: new MutableEnvironment({ LIBERTY_LICENSE_KEY: await kit.issue() }),
    });
    expect(license.state).toMatchObject({ status: 'rejected', reason });
  });

  it('a JWT pasted as licenseKey stops the module with a LicenseConfigurationError saying why', async () => {
    const token = await kit.issue();
    const failure = start({ options: { licenseKey: token } });
    await expect(failure).rejects.toThrow(LicenseConfigurationError);
    await expect(start({ options: { licenseKey: token } })).rejects.toThrow(
      /looks like a license key \(JWT\).*must not be stored in configuration/,
    );
  });
});

describe('LicenseService: log lines (context liberty.licensing)', () => {
  const NOW = new Date('2026-01-01T00:00:00Z');
  const EXP = seconds(new Date('2026-05-19T00:00:00Z'));

  beforeEach(() => {
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });

  it('accepted → exactly the accepted line', async () => {
    const token = await kit.issue({ claims: { customer: 'Acme Corp', edition: 'enterprise', exp: EXP } });
    const { logger } = await start({ env: new MutableEnvironment({ LIBERTY_LICENSE_KEY: token }) });
    expect(logger.linesOf(CONTEXT)).toEqual([
      ['log', 'license accepted — customer="Acme Corp" edition="enterprise" expires=2026-05-19T00:00:00Z'],
    ]);
  });

  it('an ai.doo key logs its tier as the edition', async () => {
    const token = await kit.issue({ claims: { customer: 'Beta GmbH', edition: undefined, tier: 'pro', exp: EXP } });
    const { logger } = await start({ env: new MutableEnvironment({ LIBERTY_LICENSE_KEY: token }) });
    expect(logger.linesOf(CONTEXT)).toEqual([
      ['log', 'license accepted — customer="Beta GmbH" edition="pro" expires=2026-05-19T00:00:00Z'],
    ]);
  });

  it('rejected → the rejected line and the restricted-mode line, as warnings', async () => {
    const { logger } = await start({ env: new MutableEnvironment({ LIBERTY_LICENSE_KEY: await otherSigner.issue() }) });
    expect(logger.linesOf(CONTEXT)).toEqual([
      ['warn', 'license rejected — reason="signature invalid"'],
      ['warn', 'running in restricted mode — licensed features disabled'],
    ]);
  });

  it('not configured → which variable was read (info), then the restricted-mode line', async () => {
    const { logger } = await start({ env: new MutableEnvironment() });
    expect(logger.linesOf(CONTEXT)).toEqual([
      ['log', 'no license key: LIBERTY_LICENSE_KEY (or LIBERTY_LICENSE_KEY_FILE) is not set'],
      ['warn', 'running in restricted mode — licensed features disabled'],
    ]);
  });

  it('the whole JWT, its payload and its signature never appear in any log line', async () => {
    const logger = new CapturingLogger();
    const tokens = [
      await kit.issue(), // accepted
      await otherSigner.issue(), // signature invalid
      await kit.issue({ expiresInSeconds: -60 }), // expired
      await kit.issue({ claims: { aud: 'other' } }), // audience mismatch
      await kit.issue({ claims: { customer: 7 } }), // invalid claims
    ];
    const env = new MutableEnvironment({ LIBERTY_LICENSE_KEY: tokens[0] });
    const { license } = await start({ env, logger });
    for (const token of tokens.slice(1)) {
      env.set('LIBERTY_LICENSE_KEY', token);
      await license.reverify();
    }
    const malformed = tokens[0].replace('.', '. '); // whitespace inside
    env.set('LIBERTY_LICENSE_KEY', malformed);
    await license.reverify();
    expect(license.state.reason).toBe('malformed');
    expect(logger.linesOf(CONTEXT).length).toBeGreaterThanOrEqual(tokens.length + 1);
    const text = logger.text();
    for (const token of tokens) {
      const [, payload, signature] = token.split('.');
      expect(text).not.toContain(token);
      expect(text).not.toContain(payload);
      expect(text).not.toContain(signature);
      expect(text).not.toContain(signature.slice(0, 40));
    }
  });
});

describe('LicenseService: reverify, license.changed, watch and state$', () => {
  it('license.changed carries previous, current, granted and revoked', async () => {
    const first = await kit.issue({ claims: { features: { connectors: ['sap'], apps: ['nomajde'] } } });
    const second = await kit.issue({ claims: { features: { connectors: ['sap', 'snowflake'] }, products: ['pika'] } });
    const env = new MutableEnvironment({ LIBERTY_LICENSE_KEY: first });
    const { license } = await start({ env });
    const events = record(license.events$);

    env.set('LIBERTY_LICENSE_KEY', second);
    const returned = await license.reverify();
    expect(returned).toBe(license.state);
    const [changed] = ofType(events, 'license.changed');
    expect(changed.previous.status).toBe('accepted');
    expect(changed.current).toBe(license.state);
    expect(changed.granted).toEqual(['connector:snowflake', 'product:pika']);
    expect(changed.revoked).toEqual(['app:nomajde']);

    env.set('LIBERTY_LICENSE_KEY', undefined);
    await license.reverify();
    const last = ofType(events, 'license.changed').at(-1)!;
    expect(last).toMatchObject({
      previous: { status: 'accepted' },
      current: { status: 'not-configured' },
      granted: [],
    });
    expect(last.revoked).toEqual(['ai:anthropic', 'connector:sap', 'connector:snowflake', 'product:pika']);
    expect(license.isLicensed('connector:sap')).toBe(false);
  });

  it('no license.changed when nothing changed', async () => {
    const env = new MutableEnvironment({ LIBERTY_LICENSE_KEY: await kit.issue() });
    const { license } = await start({ env });
    const events = record(license.events$);
    await license.reverify();
    await license.reverify();
    expect(events).toEqual([]);
  });

  it('a rejected key replacing an accepted one revokes everything at once', async () => {
    const env = new MutableEnvironment({ LIBERTY_LICENSE_KEY: await kit.issue() });
    const { license } = await start({ env });
    const events = record(license.events$);
    env.set('LIBERTY_LICENSE_KEY', await otherSigner.issue());
    await license.reverify();
    expect(ofType(events, 'license.changed')).toEqual([
      expect.objectContaining({
        current: expect.objectContaining({ status: 'rejected', reason: 'signature invalid' }),
        revoked: ['ai:anthropic', 'connector:sap'],
      }),
    ]);
  });

  it('watch(feature) emits the current value first, then only changes', async () => {
    const env = new MutableEnvironment();
    const { license } = await start({ env });
    const seen = record(license.watch('connector:snowflake'));
    const withSnowflake = await kit.issue({ claims: { features: { connectors: ['snowflake'] } } });
    const withoutSnowflake = await kit.issue({ claims: { features: { connectors: ['sap'] } } });
    for (const token of [withSnowflake, withSnowflake, withoutSnowflake, undefined, withSnowflake]) {
      env.set('LIBERTY_LICENSE_KEY', token);
      await license.reverify();
    }
    expect(seen).toEqual([false, true, false, true]);
  });

  it('state$ gives the current snapshot first, then every new one', async () => {
    const env = new MutableEnvironment();
    const { license } = await start({ env });
    const seen = record(license.state$);
    expect(seen).toEqual([license.state]);
    env.set('LIBERTY_LICENSE_KEY', await kit.issue());
    await license.reverify();
    expect(seen.map((s) => s.status)).toEqual(['not-configured', 'accepted']);
  });

  it('reverify() also re-reads the public key file (an OEM key swapped in place)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'liberty-oem-'));
    try {
      const path = join(dir, 'public.pem');
      await writeFile(path, otherSigner.publicKey);
      const env = new MutableEnvironment({ LIBERTY_LICENSE_KEY: await kit.issue() });
      const { license } = await start({ env, options: { publicKey: undefined, publicKeyPath: path } });
      expect(license.state.reason).toBe('signature invalid');
      await writeFile(path, kit.publicKey);
      expect((await license.reverify()).status).toBe('accepted');
      await rm(path);
      expect(await license.reverify()).toMatchObject({
        status: 'rejected',
        reason: `public key unavailable (cannot read ${path}: ENOENT)`,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('concurrent reverify() calls are serialised and end on the latest key', async () => {
    const env = new MutableEnvironment({ LIBERTY_LICENSE_KEY: await kit.issue() });
    const { license } = await start({ env });
    const results = await Promise.all([license.reverify(), license.reverify(), license.reverify()]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(results[0].verifiedAt.getTime()).toBeLessThanOrEqual(results[2].verifiedAt.getTime());
  });
});

@Injectable()
class LicenseListeners {
  readonly seen: string[] = [];

  @OnLicenseEvent('license.changed')
  throwsSync(): void {
    throw new Error('sync handler failure');
  }

  @OnLicenseEvent('license.changed')
  async throwsAsync(): Promise<void> {
    await Promise.resolve();
    throw new Error('async handler failure');
  }

  @OnLicenseEvent('license.changed')
  records(event: LicenseChangedEvent): void {
    this.seen.push(`changed:${event.current.status}`);
  }

  @OnLicenseEvent('license.expired')
  expired(event: LicenseExpiredEvent): void {
    this.seen.push(`expired:${event.current.reason}`);
  }

  @OnLicenseEvent('license.expiring')
  expiring(event: LicenseExpiringEvent): void {
    this.seen.push(`expiring:${event.thresholdDays}:${event.daysLeft}`);
  }
}

describe('@OnLicenseEvent', () => {
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('discovers handlers; a throwing handler (sync or async) is logged and breaks neither the others nor the bus', async () => {
    const env = new MutableEnvironment();
    const { moduleRef, license, logger } = await start({ env, providers: [LicenseListeners] });
    const listeners = moduleRef.get(LicenseListeners);
    const bus = record(license.events$);

    env.set('LIBERTY_LICENSE_KEY', await kit.issue());
    await license.reverify();
    await settle();
    env.set('LIBERTY_LICENSE_KEY', await otherSigner.issue());
    await license.reverify();
    await settle();

    expect(listeners.seen).toEqual(['changed:accepted', 'changed:rejected']);
    expect(bus.map((e) => e.type)).toEqual(['license.changed', 'license.changed']);
    const errors = logger.linesOf(CONTEXT).filter(([level]) => level === 'error');
    expect(errors).toEqual([
      ['error', '@OnLicenseEvent handler LicenseListeners.throwsSync failed: sync handler failure'],
      ['error', '@OnLicenseEvent handler LicenseListeners.throwsAsync failed: async handler failure'],
      ['error', '@OnLicenseEvent handler LicenseListeners.throwsSync failed: sync handler failure'],
      ['error', '@OnLicenseEvent handler LicenseListeners.throwsAsync failed: async handler failure'],
    ]);
  });

  it('an unknown event type fails at startup naming the handler', async () => {
    @Injectable()
    class Typo {
      @OnLicenseEvent('license.chnaged' as never)
      handle(): void {}
    }
    await expect(start({ env: new MutableEnvironment(), providers: [Typo] })).rejects.toThrow(
      new LicenseConfigurationError('@OnLicenseEvent on Typo.handle: unknown event type "license.chnaged"'),
    );
  });

  it('handlers stop receiving events after close', async () => {
    const env = new MutableEnvironment();
    const { moduleRef, license } = await start({ env, providers: [LicenseListeners] });
    const listeners = moduleRef.get(LicenseListeners);
    await moduleRef.close();
    open.splice(open.indexOf(moduleRef), 1);
    env.set('LIBERTY_LICENSE_KEY', await kit.issue());
    await license.reverify().catch(() => undefined);
    expect(listeners.seen).toEqual([]);
  });
});

describe('expiry with fake timers', () => {
  const NOW = new Date('2030-01-01T00:00:00Z');
  const fake = () => jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });

  it('a year-long key: warnings at 30 and 7 days once each, then expired at exp, claims kept', async () => {
    fake();
    const token = await kit.issue({
      claims: { customer: 'Acme Corp', edition: 'enterprise', exp: seconds(NOW) + 365 * DAY_S },
    });
    const env = new MutableEnvironment({ LIBERTY_LICENSE_KEY: token });
    const { moduleRef, license, logger } = await start({ env, providers: [LicenseListeners] });
    const listeners = moduleRef.get(LicenseListeners);
    const events = record(license.events$);

    // A timer of more than 24.8 days would fire at once (Node clamps it to 1 ms): a day in, nothing happened.
    await jest.advanceTimersByTimeAsync(DAY_MS);
    expect(license.state.status).toBe('accepted');
    expect(events).toEqual([]);

    await jest.advanceTimersByTimeAsync(334 * DAY_MS - 1); // 30 days left, minus 1 ms
    expect(ofType(events, 'license.expiring')).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(ofType(events, 'license.expiring')).toEqual([
      expect.objectContaining({ thresholdDays: 30, daysLeft: 30, expiresAt: new Date('2031-01-01T00:00:00Z') }),
    ]);

    await jest.advanceTimersByTimeAsync(23 * DAY_MS); // 7 days left
    expect(ofType(events, 'license.expiring').map((e) => [e.thresholdDays, e.daysLeft])).toEqual([
      [30, 30],
      [7, 7],
    ]);

    // Once per threshold per key: re-verifying the same key announces nothing again.
    await license.reverify();
    await jest.advanceTimersByTimeAsync(3 * DAY_MS);
    expect(ofType(events, 'license.expiring')).toHaveLength(2);

    await jest.advanceTimersByTimeAsync(4 * DAY_MS - 1); // 1 ms before exp
    expect(license.state.status).toBe('accepted');
    expect(license.isLicensed('connector:sap')).toBe(true);

    await jest.advanceTimersByTimeAsync(1); // exp
    expect(license.state).toMatchObject({
      status: 'rejected',
      reason: 'expired (2031-01-01)',
      claims: { customer: 'Acme Corp', edition: 'enterprise' },
      expiresAt: new Date('2031-01-01T00:00:00Z'),
    });
    expect(license.isLicensed('connector:sap')).toBe(false);
    const [expired] = ofType(events, 'license.expired');
    expect(expired).toMatchObject({
      previous: { status: 'accepted' },
      current: license.state,
      expiresAt: new Date('2031-01-01T00:00:00Z'),
    });
    expect(ofType(events, 'license.changed')).toEqual([
      expect.objectContaining({ current: license.state, revoked: ['ai:anthropic', 'connector:sap'] }),
    ]);
    expect(listeners.seen).toEqual([
      'expiring:30:30',
      'expiring:7:7',
      'changed:rejected',
      'expired:expired (2031-01-01)',
    ]);
    expect(logger.linesOf(CONTEXT)).toEqual(
      expect.arrayContaining([
        ['warn', 'license expires in 30 days — 2031-01-01T00:00:00Z'],
        ['warn', 'license expires in 7 days — 2031-01-01T00:00:00Z'],
        ['warn', 'license rejected — reason="expired (2031-01-01)"'],
      ]),
    );
    // Nothing left to watch.
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a key already inside the 7-day window at startup announces once, to @OnLicenseEvent handlers too', async () => {
    fake();
    const token = await kit.issue({ claims: { exp: seconds(NOW) + 5 * DAY_S } });
    const { moduleRef, license } = await start({
      env: new MutableEnvironment({ LIBERTY_LICENSE_KEY: token }),
      providers: [LicenseListeners],
    });
    const listeners = moduleRef.get(LicenseListeners);
    const events = record(license.events$);
    await jest.advanceTimersByTimeAsync(4 * DAY_MS);
    expect(listeners.seen).toEqual(['expiring:7:5']);
    expect(events).toEqual([]);
  });

  it('a new key gets its own warnings', async () => {
    fake();
    const env = new MutableEnvironment({
      LIBERTY_LICENSE_KEY: await kit.issue({ claims: { exp: seconds(NOW) + 31 * DAY_S } }),
    });
    const { license } = await start({ env });
    const events = record(license.events$);
    await jest.advanceTimersByTimeAsync(DAY_MS);
    expect(ofType(events, 'license.expiring').map((e) => e.thresholdDays)).toEqual([30]);
    // Renewed: another key, 40 days; its 30-day warning comes 10 days later.
    env.set('LIBERTY_LICENSE_KEY', await kit.issue({ claims: { exp: seconds(NOW) + 41 * DAY_S } }));
    await license.reverify();
    await jest.advanceTimersByTimeAsync(10 * DAY_MS);
    expect(ofType(events, 'license.expiring').map((e) => [e.thresholdDays, e.daysLeft])).toEqual([
      [30, 30],
      [30, 30],
    ]);
  });

  it('custom expiryWarningDays', async () => {
    fake();
    const env = new MutableEnvironment({
      LIBERTY_LICENSE_KEY: await kit.issue({ claims: { exp: seconds(NOW) + 100 * DAY_S } }),
    });
    const { license } = await start({ env, options: { expiryWarningDays: [1, 60] } });
    const events = record(license.events$);
    await jest.advanceTimersByTimeAsync(100 * DAY_MS);
    expect(ofType(events, 'license.expiring').map((e) => e.thresholdDays)).toEqual([60, 1]);
    expect(ofType(events, 'license.expired')).toHaveLength(1);
  });

  it('a wall clock moved back is reported in the state and logged once, never a lockout', async () => {
    fake();
    const { license, logger } = await start({
      env: new MutableEnvironment({ LIBERTY_LICENSE_KEY: await kit.issue() }),
    });
    jest.setSystemTime(new Date(NOW.getTime() - 2 * 3_600_000));
    await jest.advanceTimersByTimeAsync(3_600_000); // the next (at most hourly) check
    expect(license.state.status).toBe('accepted');
    expect(license.isLicensed('connector:sap')).toBe(true);
    expect(license.state.warnings).toEqual([
      expect.stringMatching(/^wall clock moved back \d+ s behind the last verification$/),
    ]);
    await jest.advanceTimersByTimeAsync(3 * 3_600_000);
    const clockLines = logger.linesOf(CONTEXT).filter(([, message]) => message.startsWith('wall clock moved back'));
    expect(clockLines).toHaveLength(1);
  });

  it('no timers are left after close', async () => {
    fake();
    const { moduleRef } = await start({ env: new MutableEnvironment({ LIBERTY_LICENSE_KEY: await kit.issue() }) });
    expect(jest.getTimerCount()).toBeGreaterThan(0);
    await moduleRef.close();
    open.splice(open.indexOf(moduleRef), 1);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('expiry with real timers', () => {
  it('a key valid for about 2 s flips to rejected at exp and fires license.expired', async () => {
    const token = await kit.issue({ expiresInSeconds: 2 });
    const { license } = await start({ env: new MutableEnvironment({ LIBERTY_LICENSE_KEY: token }) });
    expect(license.state.status).toBe('accepted');
    const expired = await firstValueFrom(
      license.events$.pipe(
        filter((e): e is LicenseExpiredEvent => e.type === 'license.expired'),
        timeout(6000),
      ),
    );
    expect(Date.now()).toBeGreaterThanOrEqual(expired.expiresAt.getTime());
    expect(license.state).toMatchObject({
      status: 'rejected',
      reason: `expired (${expired.expiresAt.toISOString().slice(0, 10)})`,
    });
    expect(license.state.claims?.customer).toBe('Test Customer');
  });
});

describe('NAME_FILE secrets', () => {
  let dir: string;
  const variables: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'liberty-secret-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => {
    for (const name of variables.splice(0)) delete process.env[name];
  });

  /** A process.env variable of its own for each test (read through ConfigService). */
  function variable(): string {
    const name = uniqueVariable();
    variables.push(name, `${name}_FILE`);
    return name;
  }

  const waitFor = (license: LicenseService, predicate: (status: string, features: ReadonlySet<string>) => boolean) =>
    firstValueFrom(
      license.state$.pipe(
        filter((s) => predicate(s.status, s.entitlements.features)),
        take(1),
        timeout(5000),
      ),
    );

  it('reads the key from the file named by NAME_FILE (trailing newline trimmed)', async () => {
    const name = variable();
    const path = join(dir, `${name}.jwt`);
    await writeFile(path, `${await kit.issue()}\n`, { mode: 0o600 });
    process.env[`${name}_FILE`] = path;
    const { license } = await start({ options: { licenseKey: `\${${name}}` } });
    expect(license.state).toMatchObject({ status: 'accepted', source: `${name}_FILE` });
  });

  it('NAME wins over NAME_FILE', async () => {
    const name = variable();
    const path = join(dir, `${name}.jwt`);
    await writeFile(path, await otherSigner.issue());
    process.env[`${name}_FILE`] = path;
    process.env[name] = await kit.issue();
    const { license } = await start({ options: { licenseKey: `\${${name}}` } });
    expect(license.state).toMatchObject({ status: 'accepted', source: name });
  });

  it('a rotated secret file is picked up by itself, without reverify()', async () => {
    const name = variable();
    const path = join(dir, `${name}.jwt`);
    await writeFile(path, await kit.issue({ claims: { features: { connectors: ['sap'] } } }));
    process.env[`${name}_FILE`] = path;
    const { license } = await start({ options: { licenseKey: `\${${name}}`, keyFilePollIntervalMs: 25 } });
    expect(license.isLicensed('connector:snowflake')).toBe(false);
    const changed = firstValueFrom(
      license.events$.pipe(
        filter((e) => e.type === 'license.changed'),
        timeout(5000),
      ),
    );

    await writeFile(path, await kit.issue({ claims: { features: { connectors: ['sap', 'snowflake'] } } }));
    await expect(changed).resolves.toMatchObject({ granted: ['connector:snowflake'] });
    expect(license.isLicensed('connector:snowflake')).toBe(true);

    await writeFile(path, await otherSigner.issue());
    await waitFor(license, (status) => status === 'rejected');
    expect(license.state.reason).toBe('signature invalid');
  });

  it('with polling off, reverify() re-reads the file', async () => {
    const name = variable();
    const path = join(dir, `${name}.jwt`);
    await writeFile(path, await otherSigner.issue());
    process.env[`${name}_FILE`] = path;
    const { license } = await start({ options: { licenseKey: `\${${name}}`, keyFilePollIntervalMs: 0 } });
    expect(license.state.status).toBe('rejected');
    await writeFile(path, await kit.issue());
    expect(license.state.status).toBe('rejected');
    expect((await license.reverify()).status).toBe('accepted');
  });

  it('an unreadable secret file leaves the app unlicensed, with a warning naming the variable', async () => {
    const name = variable();
    process.env[`${name}_FILE`] = join(dir, 'does-not-exist.jwt');
    const { license } = await start({ options: { licenseKey: `\${${name}}` } });
    expect(license.state).toMatchObject({
      status: 'not-configured',
      source: `${name}_FILE`,
      warnings: [`cannot read ${name}_FILE (ENOENT)`],
    });
  });

  it('stops polling the file after close', async () => {
    const name = variable();
    const path = join(dir, `${name}.jwt`);
    await writeFile(path, await kit.issue());
    process.env[`${name}_FILE`] = path;
    const { moduleRef, license, logger } = await start({
      options: { licenseKey: `\${${name}}`, keyFilePollIntervalMs: 20 },
    });
    await moduleRef.close();
    open.splice(open.indexOf(moduleRef), 1);
    logger.clear();
    await writeFile(path, await otherSigner.issue());
    // Twenty poll intervals: a live watcher would have re-verified (and logged) by now.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(logger.linesOf(CONTEXT)).toEqual([]);
    expect(license.state.status).toBe('accepted');
  });

  it('reads the variable through ConfigService: a ${NAME} set in process.env', async () => {
    const name = variable();
    process.env[name] = await kit.issue();
    const { license } = await start({ options: { licenseKey: `\${${name}}` } });
    expect(license.state).toMatchObject({ status: 'accepted', source: name });
  });
});

// Keep `toArray`/`take` imports honest for readers: a finite stream can be collected whole.
describe('events$ completes on shutdown', () => {
  it('subscribers see completion when the module closes', async () => {
    const { moduleRef, license } = await start({ env: new MutableEnvironment() });
    const all = firstValueFrom(license.events$.pipe(toArray()));
    await moduleRef.close();
    open.splice(open.indexOf(moduleRef), 1);
    await expect(all).resolves.toEqual([]);
  });
});
