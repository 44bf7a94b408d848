import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue, sampleToml, unique } from '../sample/sample-fixture.js';
import { SampleProcess } from '../support/apps.js';
import { specTimeout } from '../support/suite.js';

// Without REDIS_URL the sample app runs alone exactly as before and never loads `redis` (an
// optional dependency); with REDIS_URL but no `redis` installed it says so in one line.

specTimeout(120_000);

const HIDE_REDIS = fileURLToPath(new URL('./support/hide-redis.mjs', import.meta.url));

describe('the sample app and the optional redis package', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const kit = await LicenseTestKit.create();
    dir = await mkdtemp(join(tmpdir(), 'liberty-no-redis-'));
    const keyVar = unique('LIBERTY_TEST_KEY');
    await writeFile(join(dir, 'public.pem'), kit.publicKey);
    await writeFile(join(dir, 'app.toml'), sampleToml({ keyVar }));
    env = {
      LIBERTY_CONFIG: join(dir, 'app.toml'),
      LIBERTY_ADMIN_TOKEN: 'no-redis-admin-0123456789abcdef',
      LIBERTY_DATA_DIR: join(dir, 'data'),
      LIBERTY_REPLICA_ID: 'alone',
      [keyVar]: await issue(kit, { claims: claims({ ai: { providers: ['anthropic'], messagesPerDay: 10 } }) }),
      NODE_OPTIONS: `--import ${HIDE_REDIS}`,
    };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('without REDIS_URL: serves, counts AI usage in the database, lists itself alone, never tries to load redis', async () => {
    const app = await SampleProcess.start(env);
    try {
      expect((await app.call('post', '/api/ai/messages', { provider: 'anthropic', message: 'hi' })).status).toBe(200);
      const license = (await app.call('get', '/api/license')).body;
      expect(license.ai.usedToday).toBe(1);
      expect(license.replicas).toEqual([
        {
          id: 'alone',
          status: 'accepted',
          keyFingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
          settingsFingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
          verifiedAt: expect.any(String),
          lastSeenAt: expect.any(String),
        },
      ]);
      // Alone because Redis is not configured (the Replicas card says "set REDIS_URL").
      expect(license.replicaBus).toBe('off');
    } finally {
      await app.stop();
    }
    expect(app.log).toContain('hidden-redis: active');
    expect(app.log).not.toContain('hidden-redis-attempt:');
  });

  it('with REDIS_URL but no redis package: the start fails, saying what to install', async () => {
    const error = await SampleProcess.start({ ...env, REDIS_URL: 'redis://127.0.0.1:1' }).then(
      () => new Error('started'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toContain('hidden-redis-attempt:'); // the hiding works: the app did try here
    expect(error.message).toContain('the sample app did not start (exit 1)');
    // One line, without Nest's ExceptionHandler report and its stack trace (DESIGN.md 5e).
    expect(error.message).toContain(
      '\nREDIS_URL is set but the "redis" package (node-redis 5 or 6) is not installed: npm install redis\n',
    );
    expect(error.message).not.toContain('RedisSetupError:');
    expect(error.message).not.toMatch(/^\s+at /m);
  });
});
