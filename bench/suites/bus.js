// Bus convergence: from reverify() on replica 1 to the last of 3 replicas having applied the new
// key, through RedisLicenseBus (pub/sub). Three LicenseService instances in this process, each with
// its own two Redis connections, as three replicas would have. The key alternates between A and B
// (the shared variable, as a rolling secret update leaves it). redis-server is started here.
import { connectRedis, RedisLicenseBus } from '@liberty/license/redis';
import { reply } from '../lib/child.js';
import { createLicenseContext, option, useKey } from '../lib/license-fixture.js';
import { startRedis } from '../../test/support/servers.js';
import { summarize } from '../lib/stats.js';

const samples = option('samples', 101);
const warmup = option('warmup', 10);

const redis = await startRedis();
const replicas = [];
try {
  for (let n = 1; n <= 3; n++) {
    const { app, license } = await createLicenseContext();
    const connections = await connectRedis(redis.url);
    while (!connections.client.isReady || !connections.subscriber.isReady)
      await new Promise((resolve) => setTimeout(resolve, 20));
    // A slow timer: only the published message may make a replica converge here.
    const bus = new RedisLicenseBus(license, {
      ...connections,
      replicaId: `bench-${n}`,
      install: 'bench',
      intervalMs: 600_000,
    });
    await bus.start();
    replicas.push({ app, license, connections, bus });
  }
  await new Promise((resolve) => setTimeout(resolve, 300)); // subscriptions confirmed

  let next = 'B';
  const once = async () => {
    const feature = next === 'B' ? 'connector:servicenow' : 'connector:snowflake';
    const applied = replicas.slice(1).map(
      ({ license }) =>
        new Promise((resolve) => {
          const subscription = license.state$.subscribe((state) => {
            if (state.entitlements.features.has(feature)) {
              resolve(process.hrtime.bigint());
              queueMicrotask(() => subscription.unsubscribe());
            }
          });
        }),
    );
    useKey(next);
    const start = process.hrtime.bigint();
    await replicas[0].license.reverify();
    const times = await Promise.all(applied);
    next = next === 'B' ? 'A' : 'B';
    return Number(times.reduce((a, b) => (a > b ? a : b)) - start) / 1e6;
  };
  for (let i = 0; i < warmup; i++) await once();
  const values = [];
  for (let i = 0; i < samples; i++) values.push(await once());
  const sorted = [...values].sort((a, b) => a - b);
  const p99 = sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)];
  reply({
    busConvergenceMs: summarize(values),
    busConvergenceP99Ms: { median: p99, min: p99, max: p99, n: values.length },
  });
} finally {
  for (const { app, connections, bus } of replicas) {
    await bus.stop();
    await connections.close();
    await app.close();
  }
  await redis.stop();
}
