import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue, sampleToml, unique } from '../sample/sample-fixture.js';
import { SampleProcess } from '../support/apps.js';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../support/servers.js';
import { specTimeout } from '../support/suite.js';

// Issue 18: a Redis restart without persistence let another full day's cap through (300 served
// on a day capped at 100). The day's count is the database's: two replicas on PostgreSQL + a real
// redis-server WITHOUT persistence, killed and started again empty in the middle of the day.

specTimeout(240_000);

const CAP = 30;

describe('the AI day count across Redis restarts without persistence', () => {
  let dir: string;
  let postgres: PostgresServer;
  let redis: RedisServer;
  let replicas: SampleProcess[] = [];

  beforeAll(async () => {
    const kit = await LicenseTestKit.create();
    dir = await mkdtemp(join(tmpdir(), 'liberty-ai-durable-'));
    const keyVar = unique('LIBERTY_TEST_KEY');
    await writeFile(join(dir, 'public.pem'), kit.publicKey);
    await writeFile(join(dir, 'app.toml'), sampleToml({ keyVar }));
    [postgres, redis] = await Promise.all([startPostgres(), startRedis({ persistent: false })]);
    const env = {
      LIBERTY_CONFIG: join(dir, 'app.toml'),
      LIBERTY_ADMIN_TOKEN: 'ai-durable-admin-0123456789abcdef',
      DATABASE_URL: await postgres.createDatabase('ai_durable'),
      REDIS_URL: redis.url,
      [keyVar]: await issue(kit, { claims: claims({ ai: { providers: ['anthropic'], messagesPerDay: CAP } }) }),
    };
    replicas = await Promise.all(
      [1, 2].map((n) => SampleProcess.start({ ...env, LIBERTY_REPLICA_ID: `replica-${n}` })),
    );
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await redis?.stop();
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const burst = async (n: number) => {
    const responses = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        replicas[i % 2].call('post', '/api/ai/messages', { provider: 'anthropic', message: 'hi' }),
      ),
    );
    return responses.map((r) => r.status);
  };
  const served = (statuses: number[]) => statuses.filter((s) => s === 200).length;

  it('never more than the cap in one day, across two Redis restarts; the License tab and the report agree', async () => {
    const first = await burst(CAP + 10);
    expect(served(first)).toBe(CAP);
    expect(first.filter((s) => s === 429)).toHaveLength(10);

    let total = served(first);
    for (let restart = 0; restart < 2; restart++) {
      await redis.kill();
      await redis.start(); // empty: no persistence
      // Messages during and after the restart: none beyond the cap, whatever Redis lost.
      const after = await burst(CAP);
      total += served(after);
      for (const status of after) expect([429, 503]).toContain(status);
    }
    expect(total).toBe(CAP);
    for (const replica of replicas) {
      expect((await replica.call('get', '/api/license')).body.ai).toMatchObject({
        usedToday: CAP,
        messagesPerDay: CAP,
      });
      const report = (await replica.call('get', '/api/license/usage')).body as { days: Array<{ aiMessages: number }> };
      expect(report.days[report.days.length - 1].aiMessages).toBe(CAP);
    }
  });
});
