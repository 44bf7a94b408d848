import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue, sampleToml, unique } from '../sample/sample-fixture.js';
import { SampleProcess } from '../support/apps.js';
import { specTimeout } from '../support/suite.js';

// Issue 18: two processes on one SQLite data dir (no Redis) diverged — an activation on one never
// reached the other. SQLite serves one process: a second one on the same LIBERTY_DATA_DIR refuses
// to start with one line and a non-zero exit; a process that died (SIGKILL) never blocks a restart.

specTimeout(120_000);

describe('one SQLite data dir, one process', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const kit = await LicenseTestKit.create();
    dir = await mkdtemp(join(tmpdir(), 'liberty-sqlite-one-'));
    const keyVar = unique('LIBERTY_TEST_KEY');
    await writeFile(join(dir, 'public.pem'), kit.publicKey);
    await writeFile(join(dir, 'app.toml'), sampleToml({ keyVar }));
    env = {
      LIBERTY_CONFIG: join(dir, 'app.toml'),
      LIBERTY_ADMIN_TOKEN: 'sqlite-one-admin-0123456789abcdef',
      LIBERTY_DATA_DIR: join(dir, 'data'),
      [keyVar]: await issue(kit, { claims: claims({ users: { max: 5 } }) }),
    };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a second process on the same data dir exits non-zero with one line naming the holder; the first keeps serving', async () => {
    const first = await SampleProcess.start(env);
    try {
      const error = await SampleProcess.start({ ...env, LIBERTY_REPLICA_ID: 'second' }).then(
        () => new Error('the second process started'),
        (e: unknown) => e as Error,
      );
      expect(error.message).toContain('the sample app did not start (exit 1)');
      // The app's own line (Nest's ExceptionHandler may echo it, prefixed, without a stack).
      const refusal = error.message.split('\n').filter((line) => line.startsWith('Cannot open the database'));
      expect(refusal).toEqual([
        `Cannot open the database (SQLite ${join(dir, 'data', 'liberty.db')}): in use by another process (pid ${first.child.pid}); SQLite serves one process — stop that one, or run several replicas on PostgreSQL (DATABASE_URL)`,
      ]);
      expect(error.message).not.toMatch(/\n\s+at /); // no stack trace
      // The first one still reads and writes.
      expect((await first.call('post', '/api/users', { name: 'still-here', permissions: [] })).status).toBe(201);
      expect(await readFile(join(dir, 'data', 'liberty.db.pid'), 'utf8')).toBe(`${first.child.pid}\n`);
    } finally {
      await first.stop();
    }
  });

  it('after SIGKILL (no shutdown ran) a restart on the same data dir starts and keeps the data; after a clean stop too', async () => {
    const crashed = await SampleProcess.start(env);
    expect((await crashed.call('post', '/api/users', { name: 'before-crash', permissions: [] })).status).toBe(201);
    await crashed.kill(); // SIGKILL
    const restarted = await SampleProcess.start(env);
    try {
      const names = ((await restarted.call('get', '/api/users')).body as Array<{ name: string }>).map((u) => u.name);
      expect(names).toEqual(expect.arrayContaining(['still-here', 'before-crash']));
    } finally {
      await restarted.stop();
    }
    // `restarted` stopped cleanly (SIGTERM, the shutdown hooks ran): the next start is not refused.
    const next = await SampleProcess.start(env);
    await next.stop();
  });
});
