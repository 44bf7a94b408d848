import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger, Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type Subscription } from 'rxjs';
import { LicenseConfigurationError, LicenseModule, LicenseService, type LicenseOperation } from '@liberty/license';
import { LICENSE_BUS_ORIGIN, LicenseRedisModule, RedisLicenseBus } from '@liberty/license/redis';
import { LicenseTestKit } from '@liberty/license/testing';
import { createClient as createClient5 } from 'redis';
import { createClient as createClient6 } from 'redis6';
import { CapturingLogger } from '../library/support/capturing-logger.js';
import { startRedis, type RedisServer } from '../support/servers.js';
import { until } from '../support/poll.js';
import { specTimeout } from '../support/suite.js';

// The license bus and replica presence (DESIGN 5c, 5e "bus hygiene") against a real redis-server,
// with the clients of both node-redis majors the peer range allows (5 and 6). Each "replica" is a
// Nest application context in this process (LicenseModule + LicenseRedisModule with the host's
// client); the sample app's three-process suite is redis-replicas.e2e-spec.ts.

specTimeout(180_000);

type Client = ReturnType<typeof createClient5>;
type CreateClient = (options: { url: string; disableOfflineQueue?: boolean }) => Client;
// The v6 client is typed as v5's here; `client` of LicenseRedisModule is structural, so both fit.
const MAJORS: Array<[string, CreateClient]> = [
  ['redis@5', createClient5],
  ['redis@6', createClient6 as unknown as CreateClient],
];

const CHANNEL = (install: string) => `liberty:{${install}}:license:changes`;

describe.each(MAJORS)('RedisLicenseBus with %s clients', (_major, createClient) => {
  let kit: LicenseTestKit;
  let redis: RedisServer;
  let dir: string;
  let admin: Client;
  const logger = new CapturingLogger();
  const opened: Array<{
    app: INestApplicationContext;
    client: Client;
    operations: LicenseOperation[];
    subscription: Subscription;
  }> = [];
  let counter = 0;

  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    dir = await mkdtemp(join(tmpdir(), 'liberty-bus-'));
    redis = await startRedis();
    admin = createClient({ url: redis.url });
    admin.on('error', () => undefined);
    await admin.connect();
    Logger.overrideLogger(logger);
  });
  afterEach(async () => {
    for (const { app, client, subscription } of opened.splice(0)) {
      subscription.unsubscribe();
      await app.close();
      if (client.isOpen) await client.close();
    }
    logger.clear();
  });
  afterAll(async () => {
    Logger.overrideLogger(false);
    await admin?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A key file and the variable that names it (`<VAR>_FILE`). */
  async function keyFile(customer: string): Promise<{ variable: string; path: string }> {
    const variable = `LL_BUS_KEY_${process.pid}_${++counter}`;
    const path = join(dir, `${variable}.jwt`);
    await writeFile(path, await kit.issue({ claims: { customer } }));
    process.env[`${variable}_FILE`] = path;
    return { variable, path };
  }

  /** One replica: LicenseModule + LicenseRedisModule on the host's client (a fresh connection). */
  async function replica(
    install: string,
    variable: string,
    options: { replicaId?: string; pollMs?: number; intervalMs?: number; presenceTtlSeconds?: number } = {},
  ) {
    const client = createClient({ url: redis.url, disableOfflineQueue: true });
    client.on('error', () => undefined);
    await client.connect();
    @Module({
      imports: [
        LicenseModule.forRoot({
          audience: 'liberty',
          publicKey: kit.publicKey,
          licenseKey: `\${${variable}}`,
          keyFilePollIntervalMs: options.pollMs ?? 0,
        }),
        LicenseRedisModule.forRoot({
          client,
          install,
          intervalMs: options.intervalMs ?? 60_000,
          ...(options.replicaId !== undefined ? { replicaId: options.replicaId } : {}),
          ...(options.presenceTtlSeconds !== undefined ? { presenceTtlSeconds: options.presenceTtlSeconds } : {}),
        }),
      ],
    })
    class ReplicaModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ReplicaModule] })
      .setLogger(logger)
      .compile();
    const app = await moduleRef.init();
    const license = app.get(LicenseService);
    const bus = app.get(RedisLicenseBus);
    const operations: LicenseOperation[] = [];
    const subscription = license.operations$.subscribe((operation) => operations.push(operation));
    opened.push({ app, client, operations, subscription });
    await until(
      'the bus subscribed',
      async () => Number((await admin.sendCommand<[string, number]>(['PUBSUB', 'NUMSUB', CHANNEL(install)]))[1]) >= 1,
    );
    return { app, license, bus, operations, client };
  }

  const busReverifies = (operations: LicenseOperation[]) =>
    operations.filter((o) => o.type === 'reverify' && o.origin === LICENSE_BUS_ORIGIN).length;
  const subscribers = async (install: string) =>
    Number((await admin.sendCommand<[string, number]>(['PUBSUB', 'NUMSUB', CHANNEL(install)]))[1]);

  it('a reverify on one replica reaches the other; its own message is ignored', async () => {
    const { variable, path } = await keyFile('One');
    const a = await replica('reach', variable);
    const b = await replica('reach', variable);
    await until('both subscribed', async () => (await subscribers('reach')) === 2);
    await writeFile(path, await kit.issue({ claims: { customer: 'Two' } }));
    await a.license.reverify();
    await until('b re-verified', () => b.license.state.claims?.customer === 'Two');
    expect(busReverifies(a.operations)).toBe(0);
    expect(busReverifies(b.operations)).toBe(1);
  });

  it('the default replica id is unique per process (host, pid, random); an empty one is refused', async () => {
    const { variable } = await keyFile('One');
    const a = await replica('ids', variable);
    const b = await replica('ids', variable);
    const host = hostname()
      .replace(/[^A-Za-z0-9._-]/g, '')
      .replace(/\./g, '\\.');
    expect(a.bus.replicaId).toMatch(new RegExp(`^${host}-${process.pid}-[0-9a-f]{4}$`));
    expect(b.bus.replicaId).not.toBe(a.bus.replicaId);
    // `replicaId: process.env.HOSTNAME!` under bash: undefined, so the default applies (above).
    for (const bad of ['', '   ', 'a\nb', 'x'.repeat(129), 42]) {
      expect(
        () =>
          new RedisLicenseBus(a.license, {
            client: a.client,
            subscriber: a.client,
            replicaId: bad as string,
          }),
      ).toThrow(LicenseConfigurationError);
    }
    expect(() => LicenseRedisModule.forRoot({ url: redis.url, replicaId: '' })).toThrow(
      /replicaId must be a non-empty string/,
    );
  });

  it('two live processes with one replica id: both still get every change, and both say so loudly', async () => {
    const { variable, path } = await keyFile('One');
    const a = await replica('dup', variable, { replicaId: 'same', intervalMs: 100 });
    const b = await replica('dup', variable, { replicaId: 'same', intervalMs: 100 });
    await until(
      'the duplicate reported by both',
      () =>
        logger.entries.filter(
          (e) => e.level === 'error' && e.message.includes('another live process uses replica id "same"'),
        ).length >= 2,
    );
    await writeFile(path, await kit.issue({ claims: { customer: 'Two' } }));
    await a.license.reverify();
    await until('b re-verified', () => b.license.state.claims?.customer === 'Two');
    await writeFile(path, await kit.issue({ claims: { customer: 'Three' } }));
    await b.license.reverify();
    await until('a re-verified', () => a.license.state.claims?.customer === 'Three');
  });

  it('a host client that connects after the app started: the replica is listed on its "ready", not a tick later', async () => {
    const { variable } = await keyFile('One');
    const client = createClient({ url: redis.url, disableOfflineQueue: true });
    client.on('error', () => undefined);
    @Module({
      imports: [
        LicenseModule.forRoot({ audience: 'liberty', publicKey: kit.publicKey, licenseKey: `\${${variable}}` }),
        // The interval is longer than this test's timeout: only the client's "ready" can list it.
        LicenseRedisModule.forRoot({ client, install: 'late-client', intervalMs: 3_600_000 }),
      ],
    })
    class LateModule {}
    const app = await (
      await Test.createTestingModule({ imports: [LateModule] })
        .setLogger(logger)
        .compile()
    ).init();
    const subscription = app.get(LicenseService).operations$.subscribe(() => undefined);
    opened.push({ app, client, operations: [], subscription });
    // The subscriber (the bus's own duplicate) is ready first; its tick finds the command client closed.
    await until('the subscriber ready', async () => (await subscribers('late-client')) === 1);
    await client.connect();
    await until(
      'this replica listed in Redis',
      async () => (await admin.zRange('liberty:{late-client}:replicas:seen', 0, -1)).length === 1,
      { timeoutMs: 15_000 },
    );
    expect(logger.entries.filter((e) => e.level === 'warn' && e.message.includes('license bus'))).toEqual([]);
  });

  it("a duplicate shutting down does not remove the live replica's entry", async () => {
    const { variable } = await keyFile('One');
    const a = await replica('dup-leave', variable, { replicaId: 'same' });
    const b = await replica('dup-leave', variable, { replicaId: 'same' });
    await b.bus.presence.beat();
    await a.bus.presence.beat();
    const index = opened.findIndex((o) => o.app === b.app);
    const [closing] = opened.splice(index, 1);
    closing.subscription.unsubscribe();
    await b.app.close();
    await b.client.close();
    expect((await a.bus.replicas()).map((r) => r.id)).toEqual(['same']);
    expect(await admin.zRange('liberty:{dup-leave}:replicas:seen', 0, -1)).toEqual(['same']);
  });

  it('a replica restarted under its id (its old entry still fresh) is not a duplicate', async () => {
    const { variable } = await keyFile('One');
    // What a crashed process leaves: its entry, fresh, with its own instance.
    const [secondsText] = await admin.sendCommand<[string, string]>(['TIME']);
    const crashed = {
      id: 'stable',
      status: 'accepted',
      keyFingerprint: '',
      verifiedAt: new Date().toISOString(),
      lastSeenAt: new Date().toISOString(),
      instance: 'd'.repeat(16),
    };
    await admin.hSet('liberty:{restart}:replicas:info', 'stable', JSON.stringify(crashed));
    await admin.zAdd('liberty:{restart}:replicas:seen', { score: Number(secondsText) * 1000, value: 'stable' });
    const restarted = await replica('restart', variable, { replicaId: 'stable' });
    // Three heartbeats, as three ticks would write them: the duplicate check runs on each.
    for (let i = 0; i < 3; i++) await restarted.bus.presence.beat();
    expect(await restarted.bus.replicas()).toHaveLength(1);
    expect(logger.text()).not.toContain('another live process');
  });

  it('a key-file rotation seen by 3 replicas: one re-verify per replica (none announced on the bus)', async () => {
    const { variable, path } = await keyFile('One');
    const replicas: Array<Awaited<ReturnType<typeof replica>>> = [];
    for (let i = 0; i < 3; i++) replicas.push(await replica('rotation', variable, { pollMs: 50 }));
    await until('three subscribed', async () => (await subscribers('rotation')) === 3);
    for (const r of replicas) r.operations.length = 0;
    const generationKey = 'liberty:{rotation}:license:generation';
    const generation = await admin.get(generationKey);
    // Written aside and renamed: the watchers see one change, as with a mounted secret's swap.
    await writeFile(`${path}.next`, await kit.issue({ claims: { customer: 'Rotated' } }));
    await rename(`${path}.next`, path);
    const reverifies = (r: (typeof replicas)[number]) => r.operations.filter((o) => o.type === 'reverify').length;
    await until('every replica re-verified on the new key', () =>
      replicas.every((r) => r.license.state.claims?.customer === 'Rotated' && reverifies(r) === 1),
    );
    // An announcement would have bumped the generation (INCR, then PUBLISH) on the replica's own
    // connection as the operation was emitted: a GET on that connection comes after it.
    for (const r of replicas) expect(await r.client.get(generationKey)).toBe(generation);
    expect(replicas.map(reverifies)).toEqual([1, 1, 1]);
    expect(replicas.map((r) => busReverifies(r.operations))).toEqual([0, 0, 0]);
  });

  it('20 000 forged messages: bus re-verifies are coalesced and a real reverify waits for at most the one running', async () => {
    const { variable } = await keyFile('One');
    const target = await replica('flood', variable);
    const forged = (i: number) =>
      JSON.stringify({ from: `forger-${i}`, instance: 'f'.repeat(16), generation: i, type: 'reverify' });
    const flood = (async () => {
      for (let start = 0; start < 20_000; start += 1_000) {
        await Promise.all(Array.from({ length: 1_000 }, (_, i) => admin.publish(CHANNEL('flood'), forged(start + i))));
      }
    })();
    await until('the flood arriving', () => busReverifies(target.operations) > 0);
    // Counted in steps, not milliseconds: the bus re-verifies that finished while the real one
    // waited. Coalesced, at most the one running is ahead of it; queued, thousands would be.
    const before = busReverifies(target.operations);
    const started = Date.now();
    await target.license.reverify();
    const latency = Date.now() - started;
    const ahead = busReverifies(target.operations) - before;
    await flood;
    await (target.bus as unknown as { reverifications: { idle(): Promise<void> } }).reverifications.idle();
    const runs = busReverifies(target.operations);
    process.stdout.write(
      `flood: real reverify answered in ${latency} ms after ${ahead} bus re-verifies; ${runs} for 20 000 messages\n`,
    );
    expect(ahead).toBeLessThanOrEqual(2);
    expect(runs).toBeLessThan(20_000 / 10);
  });

  it('malformed, oversized or extra-field messages are dropped: no re-verify, no crash', async () => {
    const { variable } = await keyFile('One');
    const target = await replica('strict', variable);
    const good = { from: 'x', instance: 'a'.repeat(16), generation: 1, type: 'reverify' };
    for (const junk of [
      'not json',
      '[]',
      'null',
      '{}',
      JSON.stringify({ ...good, extra: 1 }),
      JSON.stringify({ ...good, generation: -1 }),
      JSON.stringify({ ...good, generation: '1' }),
      JSON.stringify({ ...good, instance: 'short' }),
      JSON.stringify({ ...good, type: 'drop tables' }),
      JSON.stringify({ ...good, from: '' }),
      JSON.stringify({ ...good, from: 'x'.repeat(600) }),
      JSON.stringify(good).padEnd(600, ' '),
    ]) {
      await admin.publish(CHANNEL('strict'), junk);
    }
    await admin.publish(CHANNEL('strict'), JSON.stringify(good));
    await until('the valid message re-verified', () => busReverifies(target.operations) === 1);
    // The junk came first on the channel: whatever it could have started has run by now.
    await (target.bus as unknown as { reverifications: { idle(): Promise<void> } }).reverifications.idle();
    expect(busReverifies(target.operations)).toBe(1);
  });

  it('presence: forged entries (future, stale, oversized, garbage) are never listed; a forged fresh one is gone after the ttl', async () => {
    const { variable } = await keyFile('One');
    const target = await replica('presence', variable, { presenceTtlSeconds: 2, intervalMs: 200 });
    const [info, seen] = ['liberty:{presence}:replicas:info', 'liberty:{presence}:replicas:seen'];
    const entry = (id: string, extra: object = {}) =>
      JSON.stringify({
        id,
        status: 'accepted',
        keyFingerprint: '0123456789abcdef',
        verifiedAt: new Date().toISOString(),
        lastSeenAt: new Date().toISOString(),
        ...extra,
      });
    const [secondsText] = await admin.sendCommand<[string, string]>(['TIME']);
    const now = Number(secondsText) * 1000;
    await admin.hSet(info, {
      future: entry('future'),
      fresh: entry('fresh'),
      huge: entry('huge', { pad: 'x'.repeat(2_000) }),
      garbage: '{"id":1}',
    });
    await admin.zAdd(seen, [
      { score: 9e15, value: 'future' },
      { score: now, value: 'fresh' },
      { score: now, value: 'huge' },
      { score: now, value: 'garbage' },
    ]);
    const ids = async () => (await target.bus.replicas()).map((r) => r.id);
    expect(await ids()).toEqual([target.bus.replicaId, 'fresh']);
    await until('the forged fresh entry expired', async () => !(await ids()).includes('fresh'), { timeoutMs: 10_000 });
    await until(
      'the forged entries pruned from Redis',
      async () => (await admin.zRange(seen, 0, -1)).join() === target.bus.replicaId,
    );
    expect(Object.keys(await admin.hGetAll(info))).toEqual([target.bus.replicaId]);
  });

  it('replicaList() tells "Redis unreachable" from a list of one', async () => {
    const { variable } = await keyFile('One');
    const target = await replica('outage', variable);
    expect(await target.bus.replicaList()).toMatchObject({
      redis: 'connected',
      replicas: [{ id: target.bus.replicaId }],
    });
    await redis.kill();
    try {
      await until('the client noticed', () => !target.client.isReady);
      expect(await target.bus.replicaList()).toMatchObject({
        redis: 'unavailable',
        replicas: [{ id: target.bus.replicaId }],
      });
    } finally {
      await redis.start();
    }
    await until('Redis back for the client', () => target.client.isReady && admin.isReady);
    expect((await target.bus.replicaList()).redis).toBe('connected');
  });

  it("notify(topic) runs the other replicas' listeners, coalesced; not the sender's", async () => {
    const { variable } = await keyFile('One');
    const a = await replica('topics', variable);
    const b = await replica('topics', variable);
    await until('both subscribed', async () => (await subscribers('topics')) === 2);
    const heard = { a: [] as string[], b: [] as string[], markers: { a: 0, b: 0 } };
    let busy = false;
    a.bus.onNotification('settings.changed', (from) => void heard.a.push(from));
    const off = b.bus.onNotification('settings.changed', async (from) => {
      busy = true;
      heard.b.push(from);
      await new Promise((resolve) => setTimeout(resolve, 50));
      busy = false;
    });
    // Markers published after the flood on the same channel: once heard, every earlier message was.
    a.bus.onNotification('test.marker', () => void heard.markers.a++);
    b.bus.onNotification('test.marker', () => void heard.markers.b++);
    await a.bus.notify('settings.changed');
    await until('b heard it', () => heard.b.length === 1);
    expect(heard.b).toEqual([a.bus.replicaId]);
    await Promise.all(Array.from({ length: 200 }, () => a.bus.notify('settings.changed')));
    await a.bus.notify('test.marker');
    await until('b heard the marker', () => heard.markers.b === 1);
    await b.bus.notify('test.marker');
    await until('a heard the marker', () => heard.markers.a === 1);
    await until("b's listener idle", () => !busy);
    expect(heard.b.length).toBeGreaterThan(1);
    expect(heard.b.length).toBeLessThan(50);
    expect(heard.a).toEqual([]);
    off();
    expect(() => a.bus.onNotification('reverify', () => undefined)).toThrow(TypeError);
    await expect(a.bus.notify('Bad Topic')).rejects.toThrow(TypeError);
  });
});
