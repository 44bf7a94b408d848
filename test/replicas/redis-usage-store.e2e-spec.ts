import { createClient } from 'redis';
import { createClient as createClient6 } from 'redis6';
import {
  connectRedis,
  openRedis,
  RedisUnavailableError,
  RedisUsageStore,
  type RedisConnections,
} from '@liberty/license/redis';
import { startRedis, type RedisServer } from '../support/servers.js';
import { until } from '../support/poll.js';
import { specTimeout } from '../support/suite.js';

// RedisUsageStore against a real redis-server started here (and killed mid-test), with the
// connections of both node-redis majors the peer range allows: redis@5 opened by connectRedis(),
// and a redis@6 client of the host's (openRedis({ client })).

specTimeout(120_000);

type Client = ReturnType<typeof createClient>;

/** A host's redis@6 client, with the store's connections on it; close() closes both. */
async function connectRedis6(url: string): Promise<RedisConnections> {
  const client = createClient6({ url, disableOfflineQueue: true });
  client.on('error', () => undefined);
  await client.connect();
  const connections = await openRedis({ client });
  return {
    ...connections,
    async close() {
      await connections.close();
      if (client.isOpen) await client.close();
    },
  };
}

const MAJORS: Array<[string, (url: string) => Promise<RedisConnections>]> = [
  ['redis@5', (url) => connectRedis(url)],
  ['redis@6', connectRedis6],
];

describe.each(MAJORS)('RedisUsageStore with %s', (_major, connect) => {
  let redis: RedisServer;
  let connections: RedisConnections;
  let admin: Client;
  const day = '2030-01-02';

  beforeAll(async () => {
    redis = await startRedis({ persistent: true });
    connections = await connect(redis.url);
    admin = createClient({ url: redis.url });
    admin.on('error', () => undefined);
    await admin.connect();
    await waitReady(connections);
  });
  afterAll(async () => {
    await connections?.close();
    await admin?.close();
    await redis?.stop();
  });

  const waitReady = (c: RedisConnections) => until('the Redis client to be ready', () => c.client.isReady);

  it('300 concurrent consumes from three stores (three "replicas") at cap 100: exactly 100 counted', async () => {
    const others = await Promise.all([connect(redis.url), connect(redis.url)]);
    await Promise.all(others.map(waitReady));
    try {
      // The count is the point here, not latency: a generous command timeout, so 300 commands queued
      // on a loaded 2-core machine are never taken for an outage (the default is 2 s).
      const stores = [connections, ...others].map(
        (c) => new RedisUsageStore({ client: c.client, install: 'race', timeoutMs: 30_000 }),
      );
      const results = await Promise.all(Array.from({ length: 300 }, (_, i) => stores[i % 3].incrementBelow(day, 100)));
      expect(results.filter((r) => r !== null)).toHaveLength(100);
      expect(new Set(results.filter((r) => r !== null))).toEqual(new Set(Array.from({ length: 100 }, (_, i) => i + 1)));
      await expect(stores[0].get(day)).resolves.toBe(100);
    } finally {
      await Promise.all(others.map((c) => c.close()));
    }
  });

  it('keys are hash-tagged per install, and the expiry is set once (on the first message of the day)', async () => {
    const store = new RedisUsageStore({ client: connections.client, install: 'acme-prod', retentionSeconds: 3600 });
    expect(store.key(day)).toBe(`liberty:{acme-prod}:ai:${day}`);
    await store.incrementBelow(day, 10);
    const ttl = await admin.ttl(store.key(day));
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
    await admin.expire(store.key(day), 100);
    await store.incrementBelow(day, 10);
    await store.increment(day, 1);
    expect(await admin.ttl(store.key(day))).toBeLessThanOrEqual(100);
    expect(() => new RedisUsageStore({ client: connections.client, install: 'a}b' })).toThrow(/install must be/);
  });

  it('one Lua script per call: one EVALSHA and no other command per consume', async () => {
    const store = new RedisUsageStore({ client: connections.client, install: 'stats' });
    await store.incrementBelow(day, 1_000); // loads the script (EVAL after NOSCRIPT) if needed
    await admin.configResetStat();
    for (let i = 0; i < 25; i++) await store.incrementBelow(day, 1_000);
    const stats = await admin.info('commandstats');
    const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    expect(calls('evalsha')).toBe(25);
    expect(calls('eval')).toBe(0);
    expect(calls('incrby')).toBe(25); // run inside the script: one INCRBY per call
    expect(calls('expire')).toBe(0); // set once, by the first call of the day
    expect(calls('get') + calls('ttl')).toBe(0);
  });

  it('Redis down: calls fail fast with RedisUnavailableError; back: nothing was counted meanwhile, nothing twice', async () => {
    const store = new RedisUsageStore({ client: connections.client, install: 'outage' });
    for (let i = 0; i < 7; i++) await store.incrementBelow(day, 50);
    await redis.kill();
    const started = Date.now();
    const failures = await Promise.all(
      Array.from({ length: 20 }, () => store.incrementBelow(day, 50).catch((e: unknown) => e)),
    );
    expect(failures.every((e) => e instanceof RedisUnavailableError)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    await redis.start();
    await waitReady(connections);
    await expect(store.get(day)).resolves.toBe(7);
    await expect(store.incrementBelow(day, 50)).resolves.toBe(8);
  });
});
