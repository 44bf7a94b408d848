// No license lost to a transient failure (DESIGN.md 5e): a host's key store that cannot be read
// (its database or Redis is down) never changes an accepted state. The state stays, ONE warning is
// logged, the read is retried with backoff and the service recovers by itself once the store
// answers. Only the store's answer — another key, or "no key" — changes the license.
// The real module with a host store whose backend can be switched off (no mock of the library).
import { jest } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  KeyStoreReadError,
  LicenseModule,
  LicenseService,
  type LicenseEvent,
  type LicenseKeyStore,
  type LicenseModuleOptions,
} from '@liberty/license';
import { LicenseTestKit } from '@liberty/license/testing';
import { advance, fakeClock } from '../support/fake-clock.js';
import { CapturingLogger } from './support/capturing-logger.js';
import { until } from '../support/poll.js';
import { specTimeout } from '../support/suite.js';

specTimeout(60_000);

describe('key-store-outage', () => {
  const CONTEXT = 'liberty.licensing';
  let kit: LicenseTestKit;
  const open: TestingModule[] = [];

  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });
  afterEach(async () => {
    jest.useRealTimers();
    for (const moduleRef of open.splice(0)) await moduleRef.close();
  });

  const keyFor = (customer: string, connectors = ['sap']) =>
    kit.issue({ claims: { customer, features: { connectors } } });

  /**
   * A host's store over a "database" that can go down: while down, `read()` throws as a driver does
   * (it never answers "no key" for an error — the contract of `LicenseKeyStore.read`).
   */
  class HostKeyStore implements LicenseKeyStore {
    readonly source = 'host database';
    down = false;
    reads = 0;
    failedReads = 0;
    constructor(
      public token: string | undefined,
      private readonly typed = false,
    ) {}

    async read(): Promise<string | undefined> {
      this.reads++;
      if (this.down) {
        this.failedReads++;
        if (this.typed) throw new KeyStoreReadError('cannot read the key store (connection refused)', 'host database');
        throw new Error('terminating connection due to administrator command');
      }
      return this.token;
    }
    async write(token: string): Promise<void> {
      if (this.down) throw new Error('connection refused');
      this.token = token;
    }
    async clear(): Promise<void> {
      if (this.down) throw new Error('connection refused');
      this.token = undefined;
    }
  }

  async function start(store: LicenseKeyStore, options: Partial<LicenseModuleOptions> = {}) {
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [LicenseModule.forRoot({ audience: 'liberty', publicKey: kit.publicKey, keyStore: store, ...options })],
    })
      .setLogger(logger)
      .compile();
    open.push(moduleRef);
    await moduleRef.init();
    const license = moduleRef.get(LicenseService);
    const events: LicenseEvent[] = [];
    license.events$.subscribe((e) => events.push(e));
    return { license, events, logger };
  }

  const warnings = (logger: CapturingLogger) =>
    logger
      .linesOf(CONTEXT)
      .filter(([level]) => level === 'warn')
      .map(([, m]) => m);

  describe('a key store that cannot be read', () => {
    it('keeps an accepted license: same status and features, no event, ONE warning across reverifies and retries', async () => {
      fakeClock(); // the backoff runs on the fake clock: seconds of retries without waiting for them
      const store = new HostKeyStore(await keyFor('Acme'));
      const { license, events, logger } = await start(store);
      expect(license.state).toMatchObject({ status: 'accepted', claims: { customer: 'Acme' } });
      const fingerprint = license.keyFingerprint;
      logger.clear();

      store.down = true;
      // What the bus's catch-up and an admin's Re-verify do while the database is down.
      for (let i = 0; i < 5; i++) {
        const state = await license.reverify();
        expect(state).toMatchObject({ status: 'accepted', claims: { customer: 'Acme' }, source: 'host database' });
        expect(state.warnings).toEqual([
          'cannot read the key store (terminating connection due to administrator command)',
        ]);
      }
      expect(license.isLicensed('connector:sap')).toBe(true);
      expect(license.keyFingerprint).toBe(fingerprint);
      // The retries run by themselves (backoff from 0.5 s): a few reads, no more log lines.
      await advance(60_000, { until: () => store.failedReads >= 8 });
      expect(license.state.status).toBe('accepted');
      expect(events).toEqual([]);
      expect(warnings(logger)).toEqual([
        'license key store unreadable — cannot read the key store (terminating connection due to administrator command); ' +
          'keeping the current license (accepted) and retrying with backoff',
      ]);
      // The only other line is the state of the first failed read (a reverify logs its outcome).
      expect(logger.linesOf(CONTEXT).filter(([level]) => level !== 'warn')).toHaveLength(1);

      // Back: recovered by itself — no reverify() call — with the warning gone and one line saying so.
      store.down = false;
      await advance(60_000, { until: () => license.state.warnings.length === 0 });
      expect(license.state).toMatchObject({ status: 'accepted', claims: { customer: 'Acme' } });
      expect(events).toEqual([]);
      const readable = logger
        .linesOf(CONTEXT)
        .filter(([, m]) => m.startsWith('license key store readable again after '));
      expect(readable).toHaveLength(1);
      expect(readable[0][1]).toMatch(/^license key store readable again after \d+\.\d s \(\d+ retries\)$/);

      // Once it answers, the retries stop.
      const reads = store.reads;
      await advance(60_000);
      expect(store.reads).toBe(reads);
    });

    it('retries with backoff: the reads slow down instead of hammering the store', async () => {
      fakeClock();
      const store = new HostKeyStore(await keyFor('Acme'));
      const { license } = await start(store);
      store.down = true;
      await license.reverify(); // the only read the test asks for; every later one is the backoff
      await advance(6_000);
      // Ceilings 0.5, 1, 2, 4, 5 s jittered to half of each: within 6 s at least 2 retries, and
      // nowhere near a read per 100 ms (a tight loop would make thousands).
      expect(store.failedReads).toBeGreaterThanOrEqual(3);
      expect(store.failedReads).toBeLessThanOrEqual(12);
    });

    it('recovers by itself to what the store says now: another key stored meanwhile is applied', async () => {
      const store = new HostKeyStore(await keyFor('Acme'));
      const { license, events } = await start(store);
      store.down = true;
      await license.reverify();
      store.token = await keyFor('Other', ['sap', 'oracle']);
      store.down = false;
      await until('the new key', () => license.state.claims?.customer === 'Other');
      expect(license.isLicensed('connector:oracle')).toBe(true);
      expect(events.filter((e) => e.type === 'license.changed')).toHaveLength(1);
    });

    it('"no key" is a deactivation, told apart from an unreadable store: not-configured once the store answers so', async () => {
      const store = new HostKeyStore(await keyFor('Acme'), true);
      const { license, events } = await start(store);
      store.down = true;
      expect((await license.reverify()).status).toBe('accepted');
      expect(license.state.warnings).toEqual(['cannot read the key store (connection refused)']);
      // Deactivated elsewhere (another replica) while this one could not read the store.
      store.token = undefined;
      store.down = false;
      await until('the deactivation', () => license.state.status === 'not-configured');
      expect(license.isLicensed('connector:sap')).toBe(false);
      expect(events.at(-1)).toMatchObject({ type: 'license.changed', current: { status: 'not-configured' } });
    });

    it('a store that answers "no key" (undefined) changes the state at once, without a warning', async () => {
      const store = new HostKeyStore(await keyFor('Acme'));
      const { license, logger } = await start(store);
      store.token = undefined;
      expect(await license.reverify()).toMatchObject({ status: 'not-configured', warnings: [] });
      expect(warnings(logger).filter((w) => w.includes('key store unreadable'))).toEqual([]);
    });

    it('unreadable at startup: not-configured with the warning, then licensed by itself when the store answers', async () => {
      const store = new HostKeyStore(await keyFor('Acme'));
      store.down = true;
      const { license, logger } = await start(store);
      expect(license.state).toMatchObject({ status: 'not-configured', source: 'host database' });
      expect(license.state.warnings).toEqual([
        'cannot read the key store (terminating connection due to administrator command)',
      ]);
      store.down = false;
      await until('the store to answer', () => license.state.status === 'accepted');
      expect(warnings(logger).filter((w) => w.includes('key store unreadable'))).toHaveLength(1);
    });

    it('the kept key is verified again, never trusted blindly: a changed public key rejects it during the outage', async () => {
      const store = new HostKeyStore(await keyFor('Acme'));
      const { license } = await start(store);
      store.down = true;
      const other = await LicenseTestKit.create();
      const state = await license.reconfigure({ publicKey: other.publicKey });
      expect(state).toMatchObject({ status: 'rejected', reason: 'signature invalid' });
      expect(license.isLicensed('connector:sap')).toBe(false);
    });

    it('an activation while the store is down is refused and changes nothing', async () => {
      const store = new HostKeyStore(await keyFor('Acme'));
      const { license } = await start(store);
      store.down = true;
      await expect(license.activate(await keyFor('Other'))).rejects.toThrow('connection refused');
      expect(license.state).toMatchObject({ status: 'accepted', claims: { customer: 'Acme' } });
    });
  });
});
