import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue, sampleToml, unique } from '../sample/sample-fixture.js';
import { SampleProcess } from '../support/apps.js';
import { startPostgres, type PostgresServer } from '../support/servers.js';
import { specTimeout } from '../support/suite.js';

// Nothing is lost on restart: users (and their tokens), the day's AI usage and connector settings
// live in the database — SQLite in LIBERTY_DATA_DIR by default, PostgreSQL with DATABASE_URL.
// Each case really restarts the built app (a child process), SIGTERM then a new process.

specTimeout(180_000);

describe('the sample app keeps its state across a restart', () => {
  let kit: LicenseTestKit;
  let dir: string;
  let postgres: PostgresServer;
  let token: string;
  /** Pasted into the app (key_store = "database"): the same grants as `token`, and a customer. */
  let pasted: string;
  const keyVar = unique('LIBERTY_TEST_KEY');

  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    dir = await mkdtemp(join(tmpdir(), 'liberty-persist-'));
    await writeFile(join(dir, 'public.pem'), kit.publicKey);
    await writeFile(join(dir, 'app.toml'), sampleToml({ keyVar }));
    token = await issue(kit, {
      claims: claims({ users: { max: 10 }, ai: { providers: ['anthropic'], messagesPerDay: 100 } }),
    });
    pasted = await issue(kit, {
      claims: claims(
        { users: { max: 10 }, ai: { providers: ['anthropic'], messagesPerDay: 100 } },
        { customer: 'Pasted Corp' },
      ),
    });
    postgres = await startPostgres();
  });
  afterAll(async () => {
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const envFor = async (kind: 'sqlite' | 'postgres'): Promise<Record<string, string>> => ({
    LIBERTY_CONFIG: join(dir, 'app.toml'),
    LIBERTY_ADMIN_TOKEN: 'persist-admin-0123456789abcdef',
    [keyVar]: token,
    ...(kind === 'sqlite'
      ? { LIBERTY_DATA_DIR: join(dir, `data-${unique('sqlite')}`) }
      : { DATABASE_URL: await postgres.createDatabase(unique('persist').toLowerCase()) }),
  });

  // key_store = "database" and no key in the environment: after the restart the pasted key can only
  // come from the database. For SQLite, before the restart: the data dir's modes, and no token in clear.
  it.each(['sqlite', 'postgres'] as const)(
    '%s: a key activated by paste (key_store = "database"), users, tokens, connector toggles and the day\'s AI usage survive',
    async (kind) => {
      const hubToml = join(dir, `hub-${kind}.toml`);
      await writeFile(hubToml, sampleToml({ keyVar: unique('LIBERTY_UNSET'), keyStore: 'database' }));
      const env: Record<string, string> = { ...(await envFor(kind)), LIBERTY_CONFIG: hubToml };
      delete env[keyVar];
      let app = await SampleProcess.start(env);
      try {
        expect((await app.call('get', '/api/license')).body.status).toBe('not-configured');
        expect((await app.call('post', '/api/license/activate', { token: pasted })).status).toBe(200);
        const created = [];
        for (const name of ['ada', 'grace', 'linus']) {
          const response = await app.call('post', '/api/users', { name, permissions: ['license:read'] });
          expect(response.status).toBe(201);
          created.push(response.body as { id: string; token: string });
        }
        expect((await app.call('patch', `/api/users/${created[2].id}`, { enabled: false })).status).toBe(200);
        for (let i = 0; i < 4; i++) {
          expect((await app.call('post', '/api/ai/messages', { provider: 'anthropic', message: 'hi' })).status).toBe(
            200,
          );
        }
        expect((await app.call('patch', '/api/settings/connectors/postgres', { licensed: true })).body).toMatchObject({
          licensed: true,
          state: 'locked',
        });
        const before = await app.call('get', '/api/license');
        expect(before.body).toMatchObject({ users: { count: 3 }, ai: { usedToday: 4 } });
        const usersBefore = (await app.call('get', '/api/users')).body;

        await app.stop();
        if (kind === 'sqlite') {
          // The data dir was created on first start: 0700, the database file 0600, no token in clear.
          const dataDir = env.LIBERTY_DATA_DIR;
          expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
          expect((await stat(join(dataDir, 'liberty.db'))).mode & 0o777).toBe(0o600);
          for (const file of await readdir(dataDir)) {
            const bytes = await readFile(join(dataDir, file));
            for (const user of created) expect(bytes.includes(Buffer.from(user.token))).toBe(false);
            expect(bytes.includes(Buffer.from('persist-admin-0123456789abcdef'))).toBe(false);
          }
        }
        app = await SampleProcess.start(env);

        expect((await app.call('get', '/api/users')).body).toEqual(usersBefore);
        expect((await app.call('get', '/api/settings/connectors')).body).toContainEqual(
          expect.objectContaining({ id: 'postgres', licensed: true, state: 'locked' }),
        );
        const after = await app.call('get', '/api/license');
        expect(after.body).toMatchObject({
          status: 'accepted',
          customer: 'Pasted Corp',
          users: { max: 10, count: 3 },
          ai: { usedToday: 4 },
        });
        // A user's token still works after the restart; a disabled one still does not.
        expect((await app.call('get', '/api/license', undefined, created[0].token)).status).toBe(200);
        expect((await app.call('get', '/api/license', undefined, created[2].token)).status).toBe(401);
        // The day's count goes on from where it was (a restart is no way around the cap).
        const next = await app.call('post', '/api/ai/messages', { provider: 'anthropic', message: 'hi' });
        expect(next.body.usage).toEqual({ usedToday: 5, messagesPerDay: 100 });
      } finally {
        await app.stop();
      }
    },
  );

  it('an unreachable DATABASE_URL stops the start with one line naming the database, without its password', async () => {
    const env = {
      ...(await envFor('sqlite')),
      DATABASE_URL: `postgres://liberty:s3cret-pw@127.0.0.1:${postgres.port + 1}/nowhere`,
    };
    delete (env as Record<string, string>).LIBERTY_DATA_DIR;
    const refused = await SampleProcess.start(env).then(
      async (app) => (await app.stop(), new Error('the app started')),
      (error: Error) => error,
    );
    expect(refused.message).toMatch(/Cannot open the database \(PostgreSQL 127\.0\.0\.1:\d+\/nowhere\): /);
    expect(refused.message).not.toMatch(/s3cret-pw/);
  });
});
