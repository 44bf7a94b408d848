import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { createClient } from 'redis';
import pg from 'pg';
import { claims, issue, sampleToml, unique } from '../sample/sample-fixture.js';
import { SampleProcess } from '../support/apps.js';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../support/servers.js';
import { until } from '../support/poll.js';
import { specTimeout } from '../support/suite.js';

// Three replicas (three processes of the built sample app) on one PostgreSQL and one Redis, all
// started here. What must be shared is shared: the day's AI counter (exact at the cap), license
// changes (a reverify on one replica reaches the others), and who runs which key.

specTimeout(300_000);

describe('redis-replicas', () => {
  const CAP = 100;
  const utcDay = () => new Date().toISOString().slice(0, 10);

  // One PostgreSQL server and one key pair for the file; each block has its own database (and its own
  // Redis: the blocks' replicas share the channel names).
  let postgres: PostgresServer;
  let kit: LicenseTestKit;
  beforeAll(async () => {
    [postgres, kit] = await Promise.all([startPostgres(), LicenseTestKit.create()]);
  });
  afterAll(() => postgres?.stop());

  describe('three replicas sharing PostgreSQL and Redis', () => {
    let dir: string;
    let redis: RedisServer;
    let replicas: SampleProcess[] = [];
    let env: Record<string, string>;
    const keyFile = () => join(dir, 'license.jwt');
    const keyFor = (customer: string) =>
      issue(kit, {
        claims: claims(
          { connectors: ['sap'], users: { max: 50 }, ai: { providers: ['anthropic'], messagesPerDay: CAP } },
          { customer },
        ),
      });
    const customerOn = async (replica: SampleProcess) =>
      (await replica.call('get', '/api/license')).body.customer as string;
    const message = (replica: SampleProcess) =>
      replica.call('post', '/api/ai/messages', { provider: 'anthropic', message: 'hi' });

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'liberty-replicas-'));
      const keyVar = unique('LIBERTY_TEST_KEY');
      await writeFile(join(dir, 'public.pem'), kit.publicKey);
      // pollMs 0: no file watching, so only the bus can tell a replica that the key changed.
      await writeFile(join(dir, 'app.toml'), sampleToml({ keyVar, pollMs: 0 }));
      await writeFile(keyFile(), await keyFor('Customer One'));
      redis = await startRedis({ persistent: true });
      env = {
        LIBERTY_CONFIG: join(dir, 'app.toml'),
        LIBERTY_ADMIN_TOKEN: 'replicas-admin-0123456789abcdef',
        [`${keyVar}_FILE`]: keyFile(),
        DATABASE_URL: await postgres.createDatabase('replicas'),
        REDIS_URL: redis.url,
        LIBERTY_BUS_INTERVAL_MS: '500',
      };
      replicas = await Promise.all(
        [1, 2, 3].map((n) => SampleProcess.start({ ...env, LIBERTY_REPLICA_ID: `replica-${n}` })),
      );
    });
    afterAll(async () => {
      await Promise.all(replicas.map((replica) => replica.stop()));
      await redis?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('GET /api/license lists the three replicas, this one first, with one key fingerprint', async () => {
      const listed = await until('three replicas listed', async () => {
        const body = (await replicas[1].call('get', '/api/license')).body;
        return body.replicas?.length === 3 && body.replicas;
      });
      expect(listed.map((r: { id: string }) => r.id)).toEqual(['replica-2', 'replica-1', 'replica-3']);
      expect((await replicas[1].call('get', '/api/license')).body.replicaBus).toBe('connected');
      for (const replica of listed) {
        expect(replica).toEqual({
          id: expect.any(String),
          status: 'accepted',
          keyFingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
          settingsFingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
          verifiedAt: expect.any(String),
          lastSeenAt: expect.any(String),
        });
      }
      expect(new Set(listed.map((r: { keyFingerprint: string }) => r.keyFingerprint)).size).toBe(1);
      expect(new Set(listed.map((r: { settingsFingerprint: string }) => r.settingsFingerprint)).size).toBe(1);
    });

    it('500 concurrent AI messages spread over the replicas, 50 below the cap: exactly 50 are served', async () => {
      // The day's count is the database's (issue 18: Redis may lose it): 50 below the cap.
      const db = new pg.Client({ connectionString: env.DATABASE_URL });
      await db.connect();
      await db.query(
        'insert into ai_usage (day, count) values ($1, $2) on conflict (day) do update set count = excluded.count',
        [utcDay(), CAP - 50],
      );
      await db.end();
      const responses = await Promise.all(Array.from({ length: 500 }, (_, i) => message(replicas[i % 3])));
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(50);
      expect(statuses.filter((s) => s === 429)).toHaveLength(450);
      for (const replica of replicas) {
        expect((await replica.call('get', '/api/license')).body.ai).toMatchObject({
          usedToday: CAP,
          messagesPerDay: CAP,
        });
      }
    });

    // "Within 2 s" (DESIGN 5e) is measured by the bench (busConvergenceMs), not here: on a loaded
    // machine three processes may take longer. What this proves is the path — the bus message.
    it('a reverify on replica 1 reaches replicas 2 and 3 by the bus message', async () => {
      await writeFile(keyFile(), await keyFor('Customer Two'));
      expect((await replicas[0].call('post', '/api/license/reverify')).body.customer).toBe('Customer Two');
      await until(
        'replicas 2 and 3 on the new key',
        async () =>
          (await customerOn(replicas[1])) === 'Customer Two' && (await customerOn(replicas[2])) === 'Customer Two',
      );
      // No file polling (pollMs 0), and the others re-verified because of replica 1's message — not
      // a generation catch-up on their timer; replica 1 ignores its own message.
      await until('the bus log lines', async () =>
        replicas.slice(1).every((r) => /license re-verified — after reverify on replica "replica-1"/.test(r.log)),
      );
      expect(replicas[0].log).not.toMatch(/license re-verified — after reverify on replica "replica-1"/);
    });

    it('a connector toggle made on replica 1 is applied on replicas 2 and 3 (stored in the database)', async () => {
      expect((await replicas[0].call('patch', '/api/settings/connectors/rest', { licensed: true })).status).toBe(200);
      const restOn = async (replica: SampleProcess) =>
        ((await replica.call('get', '/api/settings/connectors')).body as Array<{ id: string; licensed: boolean }>).find(
          (c) => c.id === 'rest',
        )?.licensed;
      await until(
        'replicas 2 and 3 see the toggle',
        async () => (await restOn(replicas[1])) === true && (await restOn(replicas[2])) === true,
        { timeoutMs: 15_000 },
      );
      expect((await replicas[2].call('patch', '/api/settings/connectors/rest', { licensed: false })).status).toBe(200);
      await until('replica 1 sees it back', async () => (await restOn(replicas[0])) === false, { timeoutMs: 15_000 });
    });

    it('garbage on the bus channel is ignored: no crash, no re-verification', async () => {
      const client = createClient({ url: redis.url });
      await client.connect();
      for (const junk of [
        'not json',
        '{}',
        '{"from":"x","generation":"1","type":"reverify"}',
        '{"from":"x","generation":1,"type":"drop tables"}',
      ]) {
        await client.publish('liberty:{liberty-sample}:license:changes', junk);
      }
      // A valid message after the junk on the same channel: once every replica acted on it, each has
      // read (and dropped) the junk.
      const probe = { from: 'probe', instance: '0123456789abcdef', generation: 0, type: 'reverify' };
      await client.publish('liberty:{liberty-sample}:license:changes', JSON.stringify(probe));
      await client.close();
      await until('every replica re-verified after the probe', async () =>
        replicas.every((r) => r.log.includes('license re-verified — after reverify on replica "probe"')),
      );
      for (const replica of replicas) {
        expect((await replica.call('get', '/health', undefined, '')).status).toBe(200);
        expect(replica.log).not.toMatch(/license re-verified — after reverify on replica "x"/);
      }
    });

    it('a hostile replica id on the bus is escaped in the log line (no raw bidi or line-separator characters)', async () => {
      const client = createClient({ url: redis.url });
      await client.connect();
      await client.publish(
        'liberty:{liberty-sample}:license:changes',
        JSON.stringify({ from: 'evil\u202e\u2028"x', instance: 'e'.repeat(16), generation: 1, type: 'reverify' }),
      );
      await client.close();
      await until('the escaped log lines', async () =>
        replicas.every((r) => r.log.includes('after reverify on replica "evil\\u202e\\u2028\\"x"')),
      );
      for (const replica of replicas) {
        expect(replica.log).not.toContain('\u202e');
        expect(replica.log).not.toContain('\u2028');
      }
    });

    it('Redis killed: every replica keeps serving with its state, the AI cap still holds; back: a reverify made meanwhile reaches all', async () => {
      await redis.kill();
      for (const replica of replicas) {
        expect((await replica.call('get', '/health', undefined, '')).status).toBe(200);
        const license = await replica.call('get', '/api/license');
        expect(license.status).toBe(200);
        expect(license.body).toMatchObject({ status: 'accepted', customer: 'Customer Two' });
        // The Replicas card tells this outage from a missing REDIS_URL.
        expect(license.body.replicaBus).toBe('unavailable');
        expect((await replica.call('get', '/api/connectors/sap')).status).toBe(200);
        // The count lives in the database: the day's cap (reached above) holds without Redis.
        const metered = await message(replica);
        expect(metered.status).toBe(429);
        expect(metered.body).toMatchObject({ statusCode: 429, code: 'AI_MESSAGE_LIMIT_REACHED' });
      }
      // A key change applied on replica 2 while Redis is down: only replica 2 knows of it.
      await writeFile(keyFile(), await keyFor('Customer Three'));
      expect((await replicas[1].call('post', '/api/license/reverify')).body.customer).toBe('Customer Three');
      expect(await customerOn(replicas[0])).toBe('Customer Two');

      await redis.start();
      await until(
        'every replica on Customer Three',
        async () => {
          const customers = await Promise.all(replicas.map(customerOn));
          return customers.every((c) => c === 'Customer Three');
        },
        { timeoutMs: 30_000 },
      );
      // The refusals counted nothing: the day's count is where it was before Redis went away.
      expect((await replicas[0].call('get', '/api/license')).body.ai?.usedToday).toBe(CAP);
      const next = await message(replicas[2]);
      expect(next.status).toBe(429);
    });

    it('a replica started with an old key file shows up with a different fingerprint', async () => {
      const oldKeyFile = join(dir, 'old-license.jwt');
      await writeFile(oldKeyFile, await keyFor('Customer One'));
      const keyVarFile = Object.keys(env).find((name) => name.endsWith('_FILE'))!;
      const stale = await SampleProcess.start({
        ...env,
        [keyVarFile]: oldKeyFile,
        LIBERTY_REPLICA_ID: 'replica-stale',
      });
      try {
        const listed = await until('four replicas listed', async () => {
          const body = (await replicas[0].call('get', '/api/license')).body;
          return body.replicas?.length === 4 && body.replicas;
        });
        const self = listed[0];
        const other = listed.find((r: { id: string }) => r.id === 'replica-stale');
        expect(self.id).toBe('replica-1');
        expect(other.keyFingerprint).toMatch(/^[0-9a-f]{16}$/);
        expect(other.keyFingerprint).not.toBe(self.keyFingerprint);
        expect(listed.filter((r: { keyFingerprint: string }) => r.keyFingerprint === self.keyFingerprint)).toHaveLength(
          3,
        );
      } finally {
        await stale.stop();
      }
      // A replica that shut down leaves the list at once.
      await until(
        'the stale replica gone',
        async () => (await replicas[0].call('get', '/api/license')).body.replicas?.length === 3,
      );
    });

    it('a second process started with LIBERTY_REPLICA_ID of a live one: both log it, and changes still reach it', async () => {
      const twin = await SampleProcess.start({ ...env, LIBERTY_REPLICA_ID: 'replica-1' });
      try {
        const line = /another live process uses replica id "replica-1"/;
        await until('the duplicate logged by both', async () => line.test(twin.log) && line.test(replicas[0].log), {
          timeoutMs: 30_000,
        });
        const customer = (await customerOn(replicas[1])) === 'Customer Four' ? 'Customer Five' : 'Customer Four';
        await writeFile(keyFile(), await keyFor(customer));
        expect((await replicas[0].call('post', '/api/license/reverify')).body.customer).toBe(customer);
        // The twin shares replica 1's id: before the fix, it dropped replica 1's message as its own.
        await until('the twin re-verified', async () => (await customerOn(twin)) === customer, { timeoutMs: 5_000 });
      } finally {
        await twin.stop();
      }
    });
  });

  describe('activation by paste across replicas (key_store = "database")', () => {
    let dir: string;
    let redis: RedisServer;
    let replicas: SampleProcess[] = [];
    const statusOn = async (replica: SampleProcess) =>
      (await replica.call('get', '/api/license')).body as { status: string; customer: string | null };

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'liberty-activation-'));
      const keyVar = unique('LIBERTY_TEST_KEY');
      await writeFile(join(dir, 'public.pem'), kit.publicKey);
      await writeFile(join(dir, 'app.toml'), sampleToml({ keyVar, keyStore: 'database', pollMs: 0 }));
      redis = await startRedis();
      const env = {
        LIBERTY_CONFIG: join(dir, 'app.toml'),
        LIBERTY_ADMIN_TOKEN: 'activation-admin-0123456789abcdef',
        DATABASE_URL: await postgres.createDatabase('activation'),
        REDIS_URL: redis.url,
        // The timer is slow here: only the published message can make this fast.
        LIBERTY_BUS_INTERVAL_MS: '60000',
      };
      replicas = await Promise.all(
        [1, 2, 3].map((n) => SampleProcess.start({ ...env, LIBERTY_REPLICA_ID: `replica-${n}` })),
      );
    });
    afterAll(async () => {
      await Promise.all(replicas.map((replica) => replica.stop()));
      await redis?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    // Within 2 s by design (the bench measures it); here: well before the 60 s timer, by the message.
    it('activate on replica 1: replicas 2 and 3 accepted by the bus message; deactivate: all not-configured', async () => {
      for (const replica of replicas) expect((await statusOn(replica)).status).toBe('not-configured');
      const token = await issue(kit, { claims: claims({ users: { max: 5 } }, { customer: 'Pasted Corp' }) });
      const activated = await replicas[0].call('post', '/api/license/activate', { token });
      expect(activated.status).toBe(200);
      expect(activated.body).toMatchObject({ status: 'accepted', customer: 'Pasted Corp' });
      await until('replicas 2 and 3 accepted', async () => {
        const [two, three] = await Promise.all([statusOn(replicas[1]), statusOn(replicas[2])]);
        return (
          two.status === 'accepted' &&
          three.status === 'accepted' &&
          two.customer === 'Pasted Corp' &&
          three.customer === 'Pasted Corp'
        );
      });
      await until('the bus log lines', async () =>
        replicas.slice(1).every((r) => r.log.includes('license re-verified — after activate on replica "replica-1"')),
      );

      expect((await replicas[2].call('delete', '/api/license/activation')).status).toBe(200);
      await until(
        'every replica not-configured',
        async () => (await Promise.all(replicas.map(statusOn))).every((s) => s.status === 'not-configured'),
        { timeoutMs: 10_000 },
      );
    });
  });
});
