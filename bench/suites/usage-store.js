// RedisUsageStore.incrementBelow (one EVALSHA of the cap-checking Lua script) vs a bare INCRBY
// round trip on the same Redis and connection, vs InMemoryUsageStore: microseconds per call,
// sequential calls, variants interleaved in rotating order. redis-server is started here.
import { InMemoryUsageStore } from '@liberty/license';
import { connectRedis, RedisUsageStore } from '@liberty/license/redis';
import { reply } from '../lib/child.js';
import { option } from '../lib/license-fixture.js';
import { startRedis } from '../lib/servers.js';
import { rotate, summarize } from '../lib/stats.js';

const rounds = option('rounds', 15);
const ops = option('ops', 3_000);

const redis = await startRedis();
const connections = await connectRedis(redis.url);
try {
  while (!connections.client.isReady) await new Promise((resolve) => setTimeout(resolve, 20));
  const store = new RedisUsageStore({ client: connections.client, install: 'bench' });
  const memory = new InMemoryUsageStore();
  const day = '2030-01-01';
  const noCap = String(Number.MAX_SAFE_INTEGER);
  const variants = {
    redisConsumeUs: () => store.incrementBelow(day, Number(noCap)),
    redisIncrbyUs: () => connections.client.sendCommand(['INCRBY', 'liberty:{bench}:plain', '1']),
    inMemoryConsumeUs: () => memory.increment(day, 1),
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
  await redis.stop();
}
