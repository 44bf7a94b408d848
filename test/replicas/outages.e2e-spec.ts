import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { io } from 'socket.io-client';
import request from 'supertest';
import { claims, issue, sampleToml, unique } from '../sample/sample-fixture.js';
import { AppProcess, SAMPLE_MAIN, SampleProcess } from '../support/apps.js';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../support/servers.js';
import { until } from '../support/poll.js';
import { closedPort } from '../support/ports.js';
import { specTimeout } from '../support/suite.js';

// Dependency outages (DESIGN.md 5e), on the built app as child processes with a real PostgreSQL
// that is stopped and started and a real Redis that is restarted:
// * no license lost: with key_store = "database", PostgreSQL down plus a Redis restart (whose
//   catch-up re-verify cannot read the store) keeps every replica licensed, and the replicas are
//   current again by themselves once PostgreSQL is back — nobody presses Re-verify;
// * no process dies of the outage (pg's 'error' events handled), every route that needs the
//   database answers 503 DATABASE_UNAVAILABLE (never 500), /health 503, one log line when the
//   outage starts and one when it ends — no stack trace per request;
// * nothing is granted meanwhile (no sign-in, no activation, no unlock);
// * unreachable at startup: exit non-zero within 10 s, one line.

specTimeout(300_000);

const ADMIN = 'outages-admin-0123456789abcdef';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** What every replica logs during the outage (the test waits for them, then probes 3 s more). */
const OUTAGE_LINES = [
  'database unavailable (PostgreSQL',
  'license key store unreadable',
  'license re-verified — after', // the catch-up once Redis is back, which found the store unreadable
];

describe('PostgreSQL stopped with requests in flight, and Redis restarted meanwhile (key_store = "database")', () => {
  let kit: LicenseTestKit;
  let dir: string;
  let postgres: PostgresServer;
  let redis: RedisServer;
  let replicas: SampleProcess[] = [];
  let userToken: string;

  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    dir = await mkdtemp(join(tmpdir(), 'liberty-outages-'));
    await writeFile(join(dir, 'public.pem'), kit.publicKey);
    await writeFile(
      join(dir, 'app.toml'),
      sampleToml({ keyVar: unique('LIBERTY_UNSET'), keyStore: 'database', pollMs: 0 }),
    );
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    const env = {
      LIBERTY_CONFIG: join(dir, 'app.toml'),
      LIBERTY_ADMIN_TOKEN: ADMIN,
      DATABASE_URL: await postgres.createDatabase('outages'),
      REDIS_URL: redis.url,
      LIBERTY_BUS_INTERVAL_MS: '500',
    };
    replicas = await Promise.all(
      [1, 2].map((n) => SampleProcess.start({ ...env, LIBERTY_REPLICA_ID: `replica-${n}` })),
    );
    const token = await issue(kit, {
      claims: claims({ connectors: ['sap'], users: { max: 10 } }, { customer: 'Outage Customer' }),
    });
    expect((await replicas[0].call('post', '/api/license/activate', { token })).status).toBe(200);
    for (const replica of replicas) {
      await until(
        'every replica licensed',
        async () => (await replica.call('get', '/api/license')).body.status === 'accepted',
        { timeoutMs: 30_000, ignoreErrors: true },
      );
    }
    const created = await replicas[0].call('post', '/api/users', { name: 'reader', permissions: ['license:read'] });
    expect(created.status).toBe(201);
    userToken = created.body.token;
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await redis?.stop();
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('no replica dies, no 500, 503 DATABASE_UNAVAILABLE and /health 503, the license stays, one log line each way, recovered by itself', async () => {
    // Traffic on signed-in routes that need the database, until told to stop.
    const statuses = new Map<number, number>();
    const bodies: unknown[] = [];
    let traffic = true;
    const paths = ['/api/users', '/api/license', '/api/connectors/sap/tables', '/api/settings/connectors'];
    const served = replicas.map(() => 0);
    const clients = replicas.flatMap((replica, r) =>
      [0, 1, 2].map(async (n) => {
        for (let i = n; traffic; i++) {
          const response = await request(replica.url)
            .get(paths[i % paths.length])
            .set('Authorization', `Bearer ${ADMIN}`)
            .catch(() => undefined);
          if (!response) continue;
          if (response.status === 200) served[r]++;
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status !== 200) bodies.push(response.body);
        }
      }),
    );
    try {
      // Requests in flight on every replica before PostgreSQL goes away.
      await until('traffic on every replica', () => replicas.every((_, i) => served[i] > 0));
      const logStart = replicas.map((replica) => replica.log.length);

      // "terminating connection due to administrator command" for the sessions in flight.
      await postgres.halt('fast');
      const downAt = Date.now();
      // Redis restarted during the outage: the bus reconnects and runs its catch-up re-verify,
      // which cannot read the key store.
      await redis.kill();
      await redis.start();

      // While it is down: the license stays (health reports it, without a database), /health is
      // 503, every route that needs the database answers 503 with its code. Probed until every
      // replica logged the outage, the Redis restart and its catch-up re-verify failing on the key
      // store, then 3 s more (the store's retries meanwhile keep the license too).
      const licenseDuringOutage = new Set<string>();
      const outageLogged = () =>
        replicas.every((replica, i) => {
          const log = replica.log.slice(logStart[i]);
          return OUTAGE_LINES.every((line) => log.includes(line));
        });
      let loggedAt: number | undefined;
      while (loggedAt === undefined || Date.now() - loggedAt < 3_000) {
        if (loggedAt === undefined && outageLogged()) loggedAt = Date.now();
        if (loggedAt === undefined && Date.now() - downAt > 20_000) {
          throw new Error(
            `not logged within 20 s of the outage: ${OUTAGE_LINES.join(' / ')}\n${replicas.map((replica, i) => replica.log.slice(logStart[i])).join('\n---\n')}`,
          );
        }
        for (const replica of replicas) {
          const health = await request(replica.url).get('/health');
          expect(health.status).toBe(503);
          expect(health.body.details).toMatchObject({ database: { status: 'down', code: 'DATABASE_UNAVAILABLE' } });
          licenseDuringOutage.add(health.body.details.license.licenseStatus);
        }
        await sleep(250);
      }
      expect([...licenseDuringOutage]).toEqual(['accepted']);
      for (const replica of replicas) {
        const response = await replica.call('get', '/api/users');
        expect(response.status).toBe(503);
        expect(response.body).toEqual({
          statusCode: 503,
          code: 'DATABASE_UNAVAILABLE',
          message: 'The database is unavailable; try again shortly',
        });
      }

      // Nothing is granted while the store and the users cannot be read.
      for (const replica of replicas) {
        expect((await request(replica.url).get('/api/license')).status).toBe(401); // no credential at all
        expect(
          (await request(replica.url).get('/api/license').set('Authorization', 'Bearer not-a-user-token-0123456789'))
            .status,
        ).toBe(503);
        expect(
          (await request(replica.url).get('/api/license').set('Authorization', `Bearer ${userToken}`)).status,
        ).toBe(503);
        expect(
          (await request(replica.url).get('/api/license').set('Cookie', 'liberty_session=forged-session-id')).status,
        ).toBe(503);
        const signIn = await request(replica.url)
          .post('/api/session')
          .set('Origin', replica.url)
          .send({ token: ADMIN });
        expect(signIn.status).toBe(503);
        expect(signIn.headers['set-cookie']).toBeUndefined();
        const other = await issue(kit, {
          claims: claims({ connectors: ['sap', 'snowflake'] }, { customer: 'Sneaky' }),
        });
        expect((await replica.call('post', '/api/license/activate', { token: other })).status).toBe(503);
        expect(
          (
            await request(replica.url)
              .get('/api/connectors/snowflake/warehouses')
              .set('Authorization', `Bearer ${ADMIN}`)
          ).status,
        ).toBe(503);
      }
      // GraphQL and Socket.IO read the user from the database too: their own way of saying 503.
      const graphql = await request(replicas[0].url)
        .post('/graphql')
        .set('Authorization', `Bearer ${ADMIN}`)
        .send({ query: '{ sapTables { name } }' });
      expect(graphql.status).toBe(503);
      expect(graphql.body.data ?? null).toBeNull();
      expect(graphql.body.errors).toEqual([
        expect.objectContaining({
          message: 'The database is unavailable; try again shortly',
          extensions: expect.objectContaining({ code: 'DATABASE_UNAVAILABLE' }),
        }),
      ]);
      const socket = io(replicas[0].url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token: ADMIN },
      });
      try {
        const refused = await new Promise<Error & { data?: unknown }>((resolve, reject) => {
          socket.once('connect', () => reject(new Error('connected during the outage')));
          socket.once('connect_error', resolve);
        });
        expect(refused.data).toEqual({
          statusCode: 503,
          code: 'DATABASE_UNAVAILABLE',
          message: 'The database is unavailable; try again shortly',
        });
      } finally {
        socket.close();
      }
      for (const replica of replicas) expect(replica.child.exitCode).toBeNull();

      // Back: every replica answers again and is licensed, by itself.
      await postgres.start();
      const upAt = Date.now();
      for (const replica of replicas) {
        await until(
          'the replica to answer again',
          async () => {
            const body = (await replica.call('get', '/api/license')).body;
            return body.status === 'accepted' && body.customer === 'Outage Customer' && body.warnings.length === 0;
          },
          { timeoutMs: 30_000, ignoreErrors: true },
        );
      }
      const recoveredMs = Date.now() - upAt;
      // Queries succeed before the once-a-second probe ends the outage and logs its return.
      await Promise.all(
        replicas.map((replica, i) =>
          until('the replica to log the return', () =>
            replica.log.slice(logStart[i]).includes('database available again (PostgreSQL'),
          ),
        ),
      );
      expect((await request(replicas[0].url).get('/health')).status).toBe(200);
      traffic = false;
      await Promise.all(clients);

      expect(statuses.get(500)).toBeUndefined();
      expect([...statuses.keys()].sort()).toEqual([200, 503]);
      for (const body of bodies) expect(body).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
      const outageLines: number[] = [];
      replicas.forEach((replica, i) => {
        expect(replica.child.exitCode).toBeNull();
        const lines = replica.log
          .slice(logStart[i])
          .split('\n')
          .filter((line) => line.trim() !== '');
        if (process.env.OUTAGES_DEBUG) process.stdout.write(`${lines.join('\n')}\n`);
        outageLines.push(lines.length);
        expect(lines.filter((line) => line.includes('database unavailable (PostgreSQL'))).toHaveLength(1);
        expect(lines.filter((line) => line.includes('database available again (PostgreSQL'))).toHaveLength(1);
        expect(lines.filter((line) => /^\s+at /.test(line))).toEqual([]); // no stack trace
        expect(lines.filter((line) => line.includes('ERROR'))).toEqual([]);
        // The outage, a Redis restart (down, back) and the key store (unreadable, readable): a handful.
        expect(lines.length).toBeLessThan(15);
      });
      process.stdout.write(
        `outage: ${Math.round((upAt - downAt) / 1000)} s, requests ${JSON.stringify(Object.fromEntries(statuses))}, ` +
          `log lines per replica ${outageLines.join(', ')}, recovered ${recoveredMs} ms after PostgreSQL returned\n`,
      );
    } finally {
      traffic = false;
      await Promise.all(clients);
    }
  });
});

type Run = { code: number | null; output: string; afterStartMs: number };

describe('a dependency unreachable at startup', () => {
  let dir: string;
  let redis: RedisServer;
  // The two refused starts are independent: both run at once (from beforeAll), each test awaits its own.
  let postgresDown: { port: number; run: Promise<Run> };
  let redisDown: { port: number; run: Promise<Run> };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'liberty-unreachable-'));
    await writeFile(join(dir, 'app.toml'), sampleToml({ keyVar: unique('LIBERTY_UNSET') }));
    await writeFile(join(dir, 'public.pem'), (await LicenseTestKit.create()).publicKey);
    redis = await startRedis();
    const [postgresPort, redisPort] = [await closedPort(), await closedPort()];
    postgresDown = {
      port: postgresPort,
      run: runToExit({
        DATABASE_URL: `postgres://liberty:s3cret-pw@127.0.0.1:${postgresPort}/nowhere`,
        REDIS_URL: redis.url,
      }),
    };
    redisDown = {
      port: redisPort,
      run: runToExit({ LIBERTY_DATA_DIR: join(dir, 'data'), REDIS_URL: `redis://:r3dis-pw@127.0.0.1:${redisPort}` }),
    };
  });
  afterAll(async () => {
    await Promise.all([postgresDown?.run, redisDown?.run]);
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the built app to its exit; `afterStartMs`: from Nest's first line (module loading excluded) to the exit. */
  async function runToExit(env: Record<string, string>): Promise<Run> {
    const app = AppProcess.spawn(SAMPLE_MAIN, {
      PORT: '0',
      LIBERTY_CONFIG: join(dir, 'app.toml'),
      LIBERTY_ADMIN_TOKEN: ADMIN,
      ...env,
    });
    let startedAt = 0;
    void app.logged('Starting Nest application').then((at) => (startedAt = at));
    const code = await app.exit(90_000);
    const output = app.output;
    return { code, output, afterStartMs: Date.now() - (startedAt || Date.now()) };
  }

  it('PostgreSQL unreachable, REDIS_URL set: exits 1 within 10 s with one line naming the database (no password, no stack)', async () => {
    const { port } = postgresDown;
    const run = await postgresDown.run;
    process.stdout.write(`PostgreSQL unreachable: exit ${run.afterStartMs} ms after Nest's first line\n`);
    expect(run.code).toBe(1);
    expect(run.afterStartMs).toBeLessThan(10_000);
    expect(run.output).toMatch(
      new RegExp(`\\nCannot open the database \\(PostgreSQL 127\\.0\\.0\\.1:${port}/nowhere\\): connect ECONNREFUSED`),
    );
    expect(run.output).not.toContain('s3cret-pw');
    expect(run.output).not.toMatch(/^\s+at /m);
  });

  it('Redis unreachable: exits 1 within 10 s with one line naming it (no password, no stack)', async () => {
    const { port } = redisDown;
    const run = await redisDown.run;
    process.stdout.write(`Redis unreachable: exit ${run.afterStartMs} ms after Nest's first line\n`);
    expect(run.code).toBe(1);
    expect(run.afterStartMs).toBeLessThan(10_000);
    expect(run.output).toMatch(
      new RegExp(`\\nCannot reach Redis \\(127\\.0\\.0\\.1:${port}\\) within 6 s: connect ECONNREFUSED`),
    );
    expect(run.output).not.toContain('r3dis-pw');
    expect(run.output).not.toMatch(/^\s+at /m);
  });
});
