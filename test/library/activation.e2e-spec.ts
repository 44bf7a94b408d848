// Issuer-bound (ai.doo) keys and activation by paste (DESIGN.md 3, 5a): the module configured with
// `issuer` only, key stores (environment, file, the host's own) and LicenseService.activate() /
// deactivate() — verified first, stored only when accepted, nothing changed otherwise.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  FileKeyStore,
  LicenseActivationError,
  LicenseConfigurationError,
  LicenseModule,
  LicenseService,
  ReadOnlyKeyStoreError,
  type LicenseEvent,
  type LicenseKeyStore,
  type LicenseModuleOptions,
} from '@liberty/license';
import { LicenseTestKit } from '@liberty/license/testing';
import { CapturingLogger } from './support/capturing-logger.js';
import { MutableEnvironment } from './support/mutable-environment.js';
import { craftJws, DAY_S, seconds } from './support/tokens.js';
import { LICENSE_ENVIRONMENT } from '../../libs/license/src/license.internal-constants.js';
import { specTimeout } from '../support/suite.js';

specTimeout(30_000);

describe('activation', () => {
  const CONTEXT = 'liberty.licensing';
  let kit: LicenseTestKit;
  let stranger: LicenseTestKit;
  let dir: string;
  const open: TestingModule[] = [];

  beforeAll(async () => {
    [kit, stranger] = await Promise.all([LicenseTestKit.create(), LicenseTestKit.create()]);
    dir = await mkdtemp(join(tmpdir(), 'liberty-activation-'));
  });
  afterEach(async () => {
    for (const moduleRef of open.splice(0)) await moduleRef.close();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** An ai.doo key: iss aidoo.biz, sub, customer, tier, products, seats, exp — no aud. */
  function aidooClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const now = seconds(Date.now());
    return {
      iss: 'aidoo.biz',
      aud: undefined,
      sub: 'cust-42',
      iat: now - 60,
      nbf: now - 60,
      exp: now + 365 * DAY_S,
      customer: 'Hub Customer',
      tier: 'professional',
      edition: undefined,
      features: undefined,
      products: ['pika', 'vera'],
      seats: 10,
      ...overrides,
    };
  }
  const aidooKey = (overrides?: Record<string, unknown>, signer = kit) =>
    signer.issue({ claims: aidooClaims(overrides) });

  let storeCount = 0;
  const freshPath = () => join(dir, `store-${++storeCount}`, 'license.jwt');

  interface Start {
    options?: Partial<LicenseModuleOptions>;
    env?: MutableEnvironment;
    logger?: CapturingLogger;
    imports?: unknown[];
  }

  async function start({
    options = {},
    env = new MutableEnvironment(),
    logger = new CapturingLogger(),
    imports = [],
  }: Start = {}) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ...(imports as never[]),
        LicenseModule.forRoot({ issuer: 'aidoo.biz', publicKey: kit.publicKey, ...options }),
      ],
    })
      .overrideProvider(LICENSE_ENVIRONMENT)
      .useValue(env)
      .setLogger(logger)
      .compile();
    open.push(moduleRef);
    await moduleRef.init();
    const license = moduleRef.get(LicenseService);
    const events: LicenseEvent[] = [];
    license.events$.subscribe((e) => events.push(e));
    return { moduleRef, license, events, logger };
  }

  describe('issuer-bound keys (ai.doo: no aud)', () => {
    it('issuer only: an ai.doo key is accepted, products and seats granted', async () => {
      const env = new MutableEnvironment({ LIBERTY_LICENSE_KEY: await aidooKey() });
      const { license } = await start({ env });
      expect(license.state).toMatchObject({
        status: 'accepted',
        claims: { customer: 'Hub Customer', tier: 'professional' },
      });
      expect(license.isLicensed('product:pika')).toBe(true);
      expect(license.isLicensed('product:vera')).toBe(true);
      expect(license.state.entitlements.maxUsers).toBe(10);
    });

    it('another issuer: issuer mismatch', async () => {
      const env = new MutableEnvironment({ LIBERTY_LICENSE_KEY: await aidooKey({ iss: 'someone-else' }) });
      const { license } = await start({ env });
      expect(license.state).toMatchObject({ status: 'rejected', reason: 'issuer mismatch' });
      expect(license.isLicensed('product:pika')).toBe(false);
    });

    it('issuer and audience both configured: both are checked (a key without aud is an audience mismatch)', async () => {
      const env = new MutableEnvironment({ LIBERTY_LICENSE_KEY: await aidooKey() });
      const { license } = await start({ env, options: { audience: 'hub' } });
      expect(license.state).toMatchObject({ status: 'rejected', reason: 'audience mismatch' });
    });

    it('neither audience nor issuer: a configuration error naming both', async () => {
      const compile = Test.createTestingModule({
        imports: [LicenseModule.forRoot({ publicKey: kit.publicKey })],
      }).compile();
      await expect(compile).rejects.toThrow(LicenseConfigurationError);
      await expect(
        Test.createTestingModule({ imports: [LicenseModule.forRoot({ publicKey: kit.publicKey })] }).compile(),
      ).rejects.toThrow(/audience \/ issuer: set at least one: audience .* or issuer/);
    });
  });

  describe('activate() with a file store', () => {
    it('verifies, stores (0600 file, 0700 directory), applies and fires license.changed once', async () => {
      const path = freshPath();
      const logger = new CapturingLogger();
      const { license, events } = await start({ options: { keyStore: new FileKeyStore(path) }, logger });
      expect(license.state.status).toBe('not-configured');
      expect(license.activationAvailable).toBe(true);

      const token = await aidooKey();
      const state = await license.activate(`  ${token}\n`);
      expect(state).toBe(license.state);
      expect(state).toMatchObject({ status: 'accepted', source: path, claims: { customer: 'Hub Customer' } });
      expect(license.isLicensed('product:pika')).toBe(true);
      expect((await readFile(path, 'utf8')).trim()).toBe(token);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(join(path, '..'))).mode & 0o777).toBe(0o700);
      const changed = events.filter((e) => e.type === 'license.changed');
      expect(changed).toHaveLength(1);
      expect(changed[0]).toMatchObject({ granted: ['product:pika', 'product:vera'], revoked: [] });
      expect(logger.linesOf(CONTEXT)).toContainEqual(['log', `license activated — key store ${path}`]);
      expect(logger.text()).not.toContain(token);
      expect(logger.text()).not.toContain(token.split('.')[2]);
    });

    it('a restart reads the stored key back: the state comes back', async () => {
      const path = freshPath();
      const first = await start({ options: { keyStore: new FileKeyStore(path) } });
      await first.license.activate(await aidooKey());
      await first.moduleRef.close();
      open.splice(open.indexOf(first.moduleRef), 1);

      const second = await start({ options: { keyStore: new FileKeyStore(path) } });
      expect(second.license.state).toMatchObject({ status: 'accepted', claims: { customer: 'Hub Customer' } });
      expect(second.license.isLicensed('product:pika')).toBe(true);
    });

    it('replacing an activated key: the new one is stored, features follow', async () => {
      const path = freshPath();
      const { license, events } = await start({ options: { keyStore: new FileKeyStore(path) } });
      await license.activate(await aidooKey());
      const next = await aidooKey({ products: ['vera'], customer: 'Renewed' });
      await license.activate(next);
      expect(license.state.claims?.customer).toBe('Renewed');
      expect(license.isLicensed('product:pika')).toBe(false);
      expect((await readFile(path, 'utf8')).trim()).toBe(next);
      expect(events.filter((e) => e.type === 'license.changed').at(-1)).toMatchObject({
        granted: [],
        revoked: ['product:pika'],
      });
    });

    describe('a rejected candidate: LicenseActivationError with the exact reason, and nothing changes', () => {
      const now = () => seconds(Date.now());
      const utc = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);
      const cases: Array<[string, () => Promise<unknown>, () => string]> = [
        ['malformed', async () => 'not-a-jwt', () => 'malformed'],
        ['not a string', async () => 42, () => 'malformed'],
        ['too large', async () => `${'a'.repeat(9000)}.b.c`, () => 'malformed'],
        [
          'HS256',
          async () => craftJws({ alg: 'HS256', typ: 'JWT' }, aidooClaims(), 'HS256', 'secret'),
          () => 'unsupported algorithm (HS256)',
        ],
        [
          'alg none',
          async () => `${craftJws({ alg: 'none' }, aidooClaims(), 'none')}c2lnbmF0dXJl`,
          () => 'unsupported algorithm (none)',
        ],
        ['another signer', () => aidooKey({}, stranger), () => 'signature invalid'],
        [
          'tampered payload',
          async () => {
            const [h, , s] = (await aidooKey()).split('.');
            return `${h}.${Buffer.from(JSON.stringify(aidooClaims({ seats: 1000 }))).toString('base64url')}.${s}`;
          },
          () => 'signature invalid',
        ],
        [
          'expired',
          () => aidooKey({ iat: now() - 10 * DAY_S, nbf: now() - 10 * DAY_S, exp: now() - DAY_S }),
          () => `expired (${utc(now() - DAY_S)})`,
        ],
        [
          'not yet valid',
          () => aidooKey({ nbf: now() + 10 * DAY_S }),
          () => `not yet valid (${utc(now() + 10 * DAY_S)})`,
        ],
        ['another issuer', () => aidooKey({ iss: 'nomana-it' }), () => 'issuer mismatch'],
        ['invalid claims', () => aidooKey({ seats: 'ten' }), () => 'invalid claims (seats: must be an integer number)'],
      ];

      it.each(cases)('%s', async (_name, candidate, reason) => {
        const path = freshPath();
        const current = await aidooKey({ customer: 'Current' });
        const store = new FileKeyStore(path);
        await store.write(current);
        const logger = new CapturingLogger();
        const { license, events } = await start({ options: { keyStore: store }, logger });
        const before = license.state;
        const token = await candidate();

        const refused = await license.activate(token as string).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(LicenseActivationError);
        expect(refused).toMatchObject({ reason: reason(), code: 'LICENSE_REJECTED' });
        expect(license.state).toBe(before);
        expect(license.isLicensed('product:pika')).toBe(true);
        expect((await readFile(path, 'utf8')).trim()).toBe(current);
        expect(events).toEqual([]);
        expect(logger.linesOf(CONTEXT)).toContainEqual([
          'warn',
          `license activation refused — reason="${reason()}"; the current license is unchanged`,
        ]);
        if (typeof token === 'string' && token.length > 20) expect(logger.text()).not.toContain(token);
      });

      it('an unreadable public key: public key unavailable, nothing stored', async () => {
        const path = freshPath();
        const { license, events } = await start({
          options: { keyStore: new FileKeyStore(path), publicKey: undefined, publicKeyPath: join(dir, 'missing.pem') },
        });
        await expect(license.activate(await aidooKey())).rejects.toMatchObject({
          reason: `public key unavailable (cannot read ${join(dir, 'missing.pem')}: ENOENT)`,
        });
        await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
        expect(events).toEqual([]);
      });
    });

    it('deactivate(): clears the store, not-configured, license.changed with the revoked features', async () => {
      const path = freshPath();
      const { license, events } = await start({ options: { keyStore: new FileKeyStore(path) } });
      await license.activate(await aidooKey());
      const state = await license.deactivate();
      expect(state.status).toBe('not-configured');
      expect(license.isLicensed('product:pika')).toBe(false);
      await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
      expect(events.filter((e) => e.type === 'license.changed').at(-1)).toMatchObject({
        previous: { status: 'accepted' },
        current: { status: 'not-configured' },
        revoked: ['product:pika', 'product:vera'],
      });
      // Deactivating twice is harmless.
      await expect(license.deactivate()).resolves.toMatchObject({ status: 'not-configured' });
    });

    it('concurrent activate() and reverify(): serialised, the activated key wins, one change event', async () => {
      const { license, events } = await start({ options: { keyStore: new FileKeyStore(freshPath()) } });
      const token = await aidooKey();
      const results = await Promise.all([
        license.reverify(),
        license.activate(token),
        license.reverify(),
        license.reverify(),
      ]);
      expect(results.map((s) => s.status)).toEqual(['not-configured', 'accepted', 'accepted', 'accepted']);
      expect(license.state.status).toBe('accepted');
      expect(events.filter((e) => e.type === 'license.changed')).toHaveLength(1);
    });

    it('concurrent activations of two keys: both applied in call order, the last one stays', async () => {
      const path = freshPath();
      const { license } = await start({ options: { keyStore: new FileKeyStore(path) } });
      const [a, b] = await Promise.all([aidooKey({ customer: 'A' }), aidooKey({ customer: 'B' })]);
      const bad = await aidooKey({}, stranger);
      const outcomes = await Promise.allSettled([license.activate(a), license.activate(bad), license.activate(b)]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(license.state.claims?.customer).toBe('B');
      expect((await readFile(path, 'utf8')).trim()).toBe(b);
    });

    it('a store file that is not a regular file, or unreadable: not-configured with a warning, never a crash', async () => {
      const { license } = await start({ options: { keyStore: new FileKeyStore(dir) } });
      expect(license.state.status).toBe('not-configured');
      expect(license.state.warnings).toEqual([`cannot read the key store ${dir} (EISDIR)`]);
    });
  });

  describe('the environment store (default) is read-only', () => {
    it('activate() and deactivate() are refused with what to do; nothing changes', async () => {
      const token = await aidooKey();
      const env = new MutableEnvironment({ HUB_KEY: token });
      const { license, events } = await start({ env, options: { licenseKey: '${HUB_KEY}' } });
      const before = license.state;
      expect(license.activationAvailable).toBe(false);
      const message =
        'the license key store is read-only: the key is read from the environment; set HUB_KEY (or HUB_KEY_FILE) and re-verify';
      await expect(license.activate(await aidooKey({ customer: 'Other' }))).rejects.toThrow(ReadOnlyKeyStoreError);
      await expect(license.activate(token)).rejects.toThrow(message);
      await expect(license.deactivate()).rejects.toMatchObject({ message, code: 'KEY_STORE_READ_ONLY' });
      expect(license.state).toBe(before);
      expect(events).toEqual([]);
    });

    it('after reconfigure({ licenseKey }) the store follows the new variable', async () => {
      const env = new MutableEnvironment({ OTHER_KEY: await aidooKey({ customer: 'Other' }) });
      const { license } = await start({ env });
      expect(license.state.status).toBe('not-configured');
      await license.reconfigure({ licenseKey: '${OTHER_KEY}' });
      expect(license.state).toMatchObject({ status: 'accepted', source: 'OTHER_KEY', claims: { customer: 'Other' } });
      await expect(license.activate('x')).rejects.toThrow('set OTHER_KEY (or OTHER_KEY_FILE) and re-verify');
    });
  });

  describe('a satellite (hub option) has no key of its own', () => {
    it('activate() and deactivate() are refused, pointing at the hub', async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [
          LicenseModule.forRoot({
            hub: { url: 'http://127.0.0.1:1/api/license/status', timeoutMs: 200, startupWaitMs: 300 },
          }),
        ],
      })
        .setLogger(new CapturingLogger())
        .compile();
      open.push(moduleRef);
      const license = moduleRef.get(LicenseService);
      expect(license.activationAvailable).toBe(false);
      const message =
        'the license key store is read-only: the license comes from the hub (a satellite); activate the key on the hub';
      await expect(license.activate(await aidooKey())).rejects.toThrow(message);
      await expect(license.deactivate()).rejects.toThrow(ReadOnlyKeyStoreError);
    });
  });

  describe("the host's own store", () => {
    /** A store kept by the host (the sample app keeps it in its database), here in memory, built by DI. */
    @Injectable()
    class HostKeys {
      value?: string;
    }
    @Injectable()
    class HostKeyStore implements LicenseKeyStore {
      readonly source = 'host database';
      constructor(private readonly keys: HostKeys) {}
      async read() {
        return this.keys.value;
      }
      async write(token: string) {
        this.keys.value = token;
      }
      async clear() {
        this.keys.value = undefined;
      }
    }
    @Module({ providers: [HostKeys], exports: [HostKeys] })
    class HostKeysModule {}

    it('given as an instance: activate / deactivate write through it', async () => {
      const keys = new HostKeys();
      const { license } = await start({ options: { keyStore: new HostKeyStore(keys) } });
      const token = await aidooKey();
      await license.activate(token);
      expect(keys.value).toBe(token);
      expect(license.state).toMatchObject({ status: 'accepted', source: 'host database' });
      await license.deactivate();
      expect(keys.value).toBeUndefined();
    });

    it('given as a class: Nest builds it with the global providers', async () => {
      const global = { module: HostKeysModule, global: true };
      const { license, moduleRef } = await start({ options: { keyStore: HostKeyStore }, imports: [global] });
      await license.activate(await aidooKey());
      expect(moduleRef.get(HostKeys).value).toMatch(/^ey/);
      expect(license.state.status).toBe('accepted');
    });

    it('a store that throws or returns garbage: not-configured with a warning, never a crash', async () => {
      const failing: LicenseKeyStore = { read: () => Promise.reject(new Error('database is down\nsecret=1')) };
      const { license } = await start({ options: { keyStore: failing } });
      expect(license.state).toMatchObject({
        status: 'not-configured',
        warnings: ['cannot read the key store (database is down\\u000asecret=1)'],
      });
      await expect(license.activate(await aidooKey())).rejects.toThrow('the license key store is read-only');

      const garbage: LicenseKeyStore = { read: async () => ({ token: 'x' }) as never };
      const second = await start({ options: { keyStore: garbage } });
      expect(second.license.state.warnings).toEqual(['the key store returned something other than a string']);
    });

    it('a write that fails: the error propagates, the state does not change', async () => {
      const broken: LicenseKeyStore = {
        read: async () => undefined,
        write: () => Promise.reject(new Error('disk full')),
      };
      const { license, events } = await start({ options: { keyStore: broken } });
      await expect(license.activate(await aidooKey())).rejects.toThrow('disk full');
      expect(license.state.status).toBe('not-configured');
      expect(events).toEqual([]);
    });
  });

  describe('FileKeyStore on its own', () => {
    it('missing file → undefined; write is atomic (no temp file left); clear removes', async () => {
      const path = freshPath();
      const store = new FileKeyStore(path);
      expect(await store.read()).toBeUndefined();
      await store.write('a.b.c');
      await store.write('d.e.f');
      expect(await store.read()).toBe('d.e.f');
      const { readdir } = await import('node:fs/promises');
      expect(await readdir(join(path, '..'))).toEqual(['license.jwt']);
      await store.clear();
      expect(await store.read()).toBeUndefined();
    });

    it('a huge file is refused, not read into memory', async () => {
      const path = join(dir, 'huge.jwt');
      await writeFile(path, Buffer.alloc(1024 * 1024, 97));
      await expect(new FileKeyStore(path).read()).rejects.toThrow(/larger than 65536 bytes/);
    });

    it('/dev/zero is refused at once', async () => {
      await expect(new FileKeyStore('/dev/zero').read()).rejects.toThrow(
        'cannot read the key store /dev/zero (not a regular file (character device))',
      );
    });
  });
});
