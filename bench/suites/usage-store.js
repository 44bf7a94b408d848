// RedisUsageStore.incrementBelow (one EVALSHA of the cap-checking Lua script) vs a bare INCRBY
// round trip on the same Redis and connection, vs InMemoryUsageStore, vs the sample app's
// DatabaseUsageStore.incrementBelow on PostgreSQL (one conditional upsert: the durable count the
// sample uses since issue 18): microseconds per call, sequential calls, variants interleaved in
// rotating order. redis-server and PostgreSQL are started here.
import { InMemoryUsageStore } from '@liberty/license';
import { connectRedis, RedisUsageStore } from '@liberty/license/redis';
import { reply } from '../lib/child.js';
import { option } from '../lib/license-fixture.js';
import { startPostgres, startRedis } from '../../test/support/servers.js';
import { Database, databaseSettings } from '../../apps/sample/dist/database/database.service.js';
import { DatabaseUsageStore } from '../../apps/sample/dist/ai/database-usage.store.js';
import { rotate, summarize } from '../lib/stats.js';

const rounds = option('rounds', 15);
const ops = option('ops', 3_000);

const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
const connections = await connectRedis(redis.url);
const database = await Database.open(databaseSettings({ DATABASE_URL: await postgres.createDatabase('usage_bench') }));
try {
  while (!connections.client.isReady) await new Promise((resolve) => setTimeout(resolve, 20));
  const store = new RedisUsageStore({ client: connections.client, install: 'bench' });
  const memory = new InMemoryUsageStore();
  const durable = new DatabaseUsageStore(database);
  const day = '2030-01-01';
  const noCap = String(Number.MAX_SAFE_INTEGER);
  const variants = {
    redisConsumeUs: () => store.incrementBelow(day, Number(noCap)),
    redisIncrbyUs: () => connections.client.sendCommand(['INCRBY', 'liberty:{bench}:plain', '1']),
    inMemoryConsumeUs: () => memory.increment(day, 1),
    databaseConsumeUs: () => durable.incrementBelow(day, Number(noCap)),
  };
  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (const call of Object.values(variants)) for (let i = 0; i < 200; i++) await call(); // warm-up, script loaded
  for (let round = 0; round < rounds; round++) {
    for (const name of rotate(Object.keys(variants), round)) {
      const call = variants[name];
      const start = process.hrtime.bigint();
      for (let i = 0; i < ops; i++) await call();
      samples[name].push(Number(process.hrtime.bigint() - start) / 1e3 / ops);
    }
  }
  reply(Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summarize(values)])));
} finally {
  await connections.close();
  await database.onApplicationShutdown();
  await Promise.all([redis.stop(), postgres.stop()]);
}
