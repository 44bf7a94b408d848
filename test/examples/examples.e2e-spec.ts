import { existsSync } from 'node:fs';
import { cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { ROOT, packLibrary, run, tempDir } from '../support/packed-library.js';
import { installInto, NEST12_TSCONFIG } from '../support/nest-new-app.js';
import { startRedis, type RedisServer } from '../support/servers.js';
import { AppProcess, SAMPLE_MAIN } from '../support/apps.js';
import { closedPort } from '../support/ports.js';
import { until } from '../support/poll.js';
import { specTimeout } from '../support/suite.js';

// examples/ is what a user copies: each example is built as a user builds it (one `nest new`
// tsconfig, against the `npm pack`ed library) and started as a real process on port 0, with keys
// minted here. One build; every process is started at once in beforeAll and shared by the tests.
specTimeout(180_000);

describe('examples', () => {
  const EXAMPLES = ['guard-events', 'replicas', 'satellite'] as const;
  const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

  let work: string;
  let kit: LicenseTestKit;
  let redis: RedisServer | undefined;
  const started: AppProcess[] = [];
  type Example = Awaited<ReturnType<typeof start>>;
  let guard: Example;
  let replicaA: Example;
  let replicaB: Example;
  let satellite: Example;
  let alone: Example;
  let hub: AppProcess;
  const HUB_ADMIN = 'examples-hub-admin-token-0123456789';
  const keys: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'libs/license/dist/index.js')) || !existsSync(SAMPLE_MAIN))
      throw new Error('run `npm run build` first (npm test does)');
    work = await tempDir('liberty-examples-');
    const [tarball] = await Promise.all([
      packLibrary(work),
      LicenseTestKit.create().then((created) => (kit = created)),
    ]);
    await installInto(work, tarball);
    for (const name of EXAMPLES)
      await cp(join(ROOT, 'examples', name, 'src'), join(work, name, 'src'), { recursive: true });
    await writeFile(join(work, 'package.json'), JSON.stringify({ name: 'examples', private: true, type: 'module' }));
    const tsconfig = {
      ...NEST12_TSCONFIG,
      compilerOptions: { ...NEST12_TSCONFIG.compilerOptions, rootDir: '.' },
      include: EXAMPLES.map((name) => `${name}/src`),
    };
    await writeFile(join(work, 'tsconfig.json'), JSON.stringify(tsconfig));
    await writeFile(join(work, 'public.pem'), kit.publicKey);
    // The hub and redis-server start while the examples build; then every example starts at once.
    const [hubUrl] = await Promise.all([startHub(), startRedis().then((server) => (redis = server)), build()]);
    [guard, [replicaA, replicaB], [satellite, alone]] = await Promise.all([
      startGuardEvents(),
      startReplicas(),
      startSatellites(hubUrl),
    ]);
  });

  async function build(): Promise<void> {
    try {
      await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: work, timeout: 120_000 });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`the examples do not build with Nest 12's tsconfig:\n${stdout}${stderr}`, { cause: error });
    }
  }

  afterAll(async () => {
    const apps = started.splice(0);
    await Promise.all(apps.map((app) => app.stop()));
    await redis?.stop();
    if (work) await rm(work, { recursive: true, force: true });
    for (const app of apps) expectNoKeyIn(app.output);
  });

  /** A key for the examples' audience, remembered so no output may contain it. */
  async function key(claims: Record<string, unknown>, audience = 'acme'): Promise<string> {
    const token = await kit.issue({ claims: { aud: audience, ...claims } });
    keys.push(token);
    return token;
  }

  function expectNoKeyIn(text: string): void {
    for (const token of keys) expect(text.includes(token)).toBe(false);
  }

  /** Replaces a file in one step, as a secret mount does (a reader never sees it half-written). */
  async function replaceFile(path: string, text: string): Promise<void> {
    await writeFile(`${path}.tmp`, text);
    await rename(`${path}.tmp`, path);
  }

  async function start(example: (typeof EXAMPLES)[number], env: Record<string, string>) {
    const app = AppProcess.spawn(join(work, 'dist', example, 'src/main.js'), { PORT: '0', ...env });
    started.push(app);
    const url = await app.listening(60_000);
    const get = async <T = Record<string, unknown>>(path: string) => {
      const response = await fetch(url + path);
      return { status: response.status, body: (await response.json()) as T };
    };
    const send = async <T = Record<string, unknown>>(method: 'POST' | 'PUT', path: string, body: unknown) => {
      const response = await fetch(url + path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as T };
    };
    return { app, url, get, send };
  }

  // --- examples/guard-events ------------------------------------------------------------------------

  const guardKeyFile = () => join(work, 'guard-events.jwt');

  async function startGuardEvents(): Promise<Example> {
    await writeFile(guardKeyFile(), await key({ features: { apps: ['billing'] } }));
    return start('guard-events', {
      ACME_PUBLIC_KEY_PATH: join(work, 'public.pem'),
      ACME_LICENSE_KEY_FILE: guardKeyFile(),
    });
  }

  describe('examples/guard-events: LicenseModule, @RequiresLicense + LicenseGuard, a menu that follows license.changed', () => {
    const menuIds = async () => (await guard.get<Array<{ id: string }>>('/menu')).body.map((entry) => entry.id);

    it('a key without app:reports: the route is 403 LICENSE_REQUIRED, the menu has no Reports', async () => {
      const reports = await guard.get('/reports');
      expect(reports.status).toBe(403);
      expect(reports.body).toMatchObject({
        code: 'LICENSE_REQUIRED',
        feature: 'app:reports',
        licenseStatus: 'accepted',
      });
      expect(await menuIds()).toEqual(['home']);
    });

    it('a key with app:reports replaces it without a restart: Reports appears, the route is 200', async () => {
      await replaceFile(guardKeyFile(), await key({ features: { apps: ['reports'] } }));
      await until('the Reports menu entry', async () => (await menuIds()).includes('reports'), {
        timeoutMs: 30_000,
        ignoreErrors: true,
      });
      expect(await guard.get('/reports')).toEqual({ status: 200, body: [{ id: 'q3-revenue', title: 'Revenue, Q3' }] });
      expect(guard.app.output).toContain('license accepted: the reports menu is shown');
    });

    it('no key: Reports is hidden again and the route locked, the rest keeps working', async () => {
      await replaceFile(guardKeyFile(), '');
      await until('the Reports menu entry to go', async () => !(await menuIds()).includes('reports'), {
        timeoutMs: 30_000,
        ignoreErrors: true,
      });
      expect(await menuIds()).toEqual(['home']);
      expect((await guard.get('/reports')).body).toMatchObject({
        code: 'LICENSE_REQUIRED',
        licenseStatus: 'not-configured',
      });
      expect(guard.app.output).toContain('license not-configured: the reports menu is hidden');
    });
  });

  // --- examples/replicas ----------------------------------------------------------------------------

  /** What the replicas example's GET /license answers. */
  interface ReplicaView {
    status: string;
    customer: string | null;
    keyFingerprint: string;
    replicas: Array<{ id: string; status: string; keyFingerprint: string }>;
  }
  const licenseOf = async (replica: Example) => (await replica.get<ReplicaView>('/license')).body;

  const aiCapOf3 = { ai: { providers: ['anthropic'], messagesPerDay: 3 } };

  async function startReplicas(): Promise<[Example, Example]> {
    const volume = join(work, 'replicas-volume');
    await mkdir(volume);
    await writeFile(join(volume, 'license.jwt'), await key({ customer: 'Acme', features: aiCapOf3 }));
    const env = {
      ACME_PUBLIC_KEY_PATH: join(work, 'public.pem'),
      ACME_LICENSE_FILE: join(volume, 'license.jwt'),
      REDIS_URL: redis!.url,
    };
    return Promise.all([
      start('replicas', { ...env, REPLICA_ID: 'replica-a' }),
      start('replicas', { ...env, REPLICA_ID: 'replica-b' }),
    ]);
  }

  describe('examples/replicas: two replicas on a real redis-server share the bus and the AI count', () => {
    const replicaIds = async (replica: Example) => (await licenseOf(replica)).replicas.map(({ id }) => id);

    it('both run the shared key and list each other', async () => {
      for (const replica of [replicaA, replicaB])
        expect((await replica.get('/license')).body).toMatchObject({ status: 'accepted', customer: 'Acme' });
      await until('both replicas listed', async () => (await replicaIds(replicaB)).join() === 'replica-b,replica-a', {
        timeoutMs: 30_000,
        ignoreErrors: true,
      });
    });

    it('one daily AI cap for both: the 4th message of 3 is 429 on either replica', async () => {
      const used: number[] = [];
      for (const replica of [replicaA, replicaB, replicaA])
        used.push((await replica.send<{ usedToday: number }>('POST', '/ai/messages', {})).body.usedToday);
      expect(used).toEqual([1, 2, 3]);
      const over = await replicaB.send('POST', '/ai/messages', {});
      expect(over.status).toBe(429);
      expect(over.body).toMatchObject({ code: 'AI_MESSAGE_LIMIT_REACHED', limit: 3 });
    });

    it('a key activated on one replica reaches the other through the bus (no file polling)', async () => {
      const bad = await replicaA.send('PUT', '/license', { key: await key({}, 'another-product') });
      expect(bad.status).toBe(422);
      expect(bad.body).toMatchObject({ code: 'LICENSE_REJECTED', reason: 'audience mismatch' });

      const renewed = await key({ customer: 'Acme Renewed', features: aiCapOf3 });
      const activated = await replicaA.send<ReplicaView>('PUT', '/license', { key: renewed });
      expect(activated.status).toBe(200);
      expect(activated.body).toMatchObject({ status: 'accepted', customer: 'Acme Renewed' });
      await until('replica-b on the new key', async () => (await licenseOf(replicaB)).customer === 'Acme Renewed', {
        timeoutMs: 30_000,
        ignoreErrors: true,
      });
      const { keyFingerprint } = await licenseOf(replicaB);
      expect(keyFingerprint).toBe(activated.body.keyFingerprint);
      await until(
        'the replica list to show one key',
        async () => {
          const { replicas } = await licenseOf(replicaA);
          return replicas.length === 2 && replicas.every((replica) => replica.keyFingerprint === keyFingerprint);
        },
        { timeoutMs: 30_000, ignoreErrors: true },
      );
    });
  });

  // --- examples/satellite ---------------------------------------------------------------------------

  /** The sample app as the hub, with an ai.doo-style key listing product pika. */
  async function startHub(): Promise<string> {
    const config = [
      '[license]',
      'license_key = "${EXAMPLES_HUB_KEY}"',
      'public_key_path = "public.pem"',
      'audience = "liberty"',
    ];
    await writeFile(join(work, 'hub.toml'), config.join('\n') + '\n');
    const claims = {
      customer: 'Acme Corp',
      tier: 'enterprise',
      edition: undefined,
      products: ['pika'],
      seats: 5,
      features: undefined,
    };
    hub = AppProcess.spawn(SAMPLE_MAIN, {
      PORT: '0',
      LIBERTY_CONFIG: join(work, 'hub.toml'),
      LIBERTY_ADMIN_TOKEN: HUB_ADMIN,
      LIBERTY_DATA_DIR: join(work, 'hub-data'),
      EXAMPLES_HUB_KEY: await key(claims, 'liberty'),
    });
    started.push(hub);
    return hub.listening(60_000);
  }

  /** One satellite asking the hub, one whose hub is not there. */
  async function startSatellites(hubUrl: string): Promise<[Example, Example]> {
    const nowhere = `http://127.0.0.1:${await closedPort()}/api/license/status`;
    return Promise.all([
      start('satellite', { HUB_STATUS_URL: `${hubUrl}/api/license/status`, HUB_TOKEN: HUB_ADMIN }),
      start('satellite', { HUB_STATUS_URL: nowhere, HUB_TOKEN: HUB_ADMIN }),
    ]);
  }

  describe('examples/satellite: the license from a real hub (the sample app), and working without one', () => {
    it('asks the hub at startup: licensed for product:pika once it listens', async () => {
      expect((await satellite.get('/license')).body).toEqual({ status: 'accepted', reason: null, licensed: true });
      expect(await satellite.get('/pika/run')).toEqual({ status: 200, body: { ran: true, banner: '' } });
    });

    it('keeps the cached answer when the hub goes away', async () => {
      await hub.stop();
      expect((await satellite.get('/license')).body).toMatchObject({ status: 'accepted', licensed: true });
      expect((await satellite.get('/pika/run')).status).toBe(200);
    });

    it('starts without a hub and stays functional (soft): the work runs, with the banner', async () => {
      expect((await alone.get('/license')).body).toMatchObject({ status: 'not-configured', licensed: false });
      expect(await alone.get('/pika/run')).toEqual({
        status: 200,
        body: { ran: true, banner: 'No license — activate to remove this notice' },
      });
    });

    it('never logs the hub token', () => {
      for (const app of [satellite, alone]) expect(app.app.output).not.toContain(HUB_ADMIN);
    });
  });
});
