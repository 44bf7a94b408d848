import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue, sampleToml, unique } from '../sample/sample-fixture.js';
import { SampleProcess } from '../support/apps.js';
import { startRedis, type RedisServer } from '../support/servers.js';
import { specTimeout } from '../support/suite.js';

// Issue 18: peak users recorded during a Redis outage were wrong. The history's sample read the
// enabled users (database) and the AI count (then Redis) together, so with Redis down the whole
// sample failed and a peak reached during the outage was never recorded. The recorder now reads
// them independently, and the AI count is the database's. Real redis-server, killed.

specTimeout(120_000);

describe('usage history during a Redis outage', () => {
  let dir: string;
  let redis: RedisServer;
  let app: SampleProcess;

  beforeAll(async () => {
    const kit = await LicenseTestKit.create();
    dir = await mkdtemp(join(tmpdir(), 'liberty-history-outage-'));
    const keyVar = unique('LIBERTY_TEST_KEY');
    await writeFile(join(dir, 'public.pem'), kit.publicKey);
    await writeFile(join(dir, 'app.toml'), sampleToml({ keyVar }));
    redis = await startRedis();
    app = await SampleProcess.start({
      LIBERTY_CONFIG: join(dir, 'app.toml'),
      LIBERTY_ADMIN_TOKEN: 'history-outage-admin-0123456789abcdef',
      LIBERTY_DATA_DIR: join(dir, 'data'),
      REDIS_URL: redis.url,
      [keyVar]: await issue(kit, {
        claims: claims({ users: { max: 20 }, ai: { providers: ['anthropic'], messagesPerDay: 50 } }),
      }),
    });
  });
  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const today = async () => {
    const report = (await app.call('get', '/api/license/usage')).body as {
      days: Array<{ day: string; peakUsers: number; aiMessages: number }>;
    };
    return report.days[report.days.length - 1];
  };

  it('a peak of enabled users reached while Redis is down is recorded, and the AI figure with it', async () => {
    for (let i = 0; i < 2; i++)
      expect((await app.call('post', '/api/users', { name: `before-${i}`, permissions: [] })).status).toBe(201);
    for (let i = 0; i < 3; i++)
      expect((await app.call('post', '/api/ai/messages', { provider: 'anthropic', message: 'hi' })).status).toBe(200);
    expect(await today()).toMatchObject({ peakUsers: 3, aiMessages: 3 });

    await redis.kill();
    // Users and the AI day count live in the database: both keep working during the outage.
    for (let i = 0; i < 4; i++)
      expect((await app.call('post', '/api/users', { name: `during-${i}`, permissions: [] })).status).toBe(201);
    expect((await app.call('post', '/api/ai/messages', { provider: 'anthropic', message: 'hi' })).status).toBe(200);
    expect(await today()).toMatchObject({ peakUsers: 7, aiMessages: 4 });
    expect(app.log).not.toContain('usage history: sample not recorded');

    await redis.start();
    expect((await app.call('post', '/api/ai/messages', { provider: 'anthropic', message: 'hi' })).status).toBe(200);
    expect(await today()).toMatchObject({ peakUsers: 7, aiMessages: 5 });
  });
});
