import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue, sampleToml, unique } from '../sample/sample-fixture.js';
import { SampleProcess } from '../support/apps.js';
import { startPostgres, type PostgresServer } from '../support/servers.js';
import { specTimeout } from '../support/suite.js';

// Seats are exact across replicas: three processes of the built sample app share one PostgreSQL
// started here (SQLite serves one process since issue 18: that case runs one process, see
// sqlite-one-process.e2e-spec.ts); concurrent user creations spread over them take exactly the
// free seats, because the count and the insert run in one database transaction.

specTimeout(240_000);

const MAX = 11; // the admin takes one seat: 10 free

describe.each([
  ['sqlite', 1],
  ['postgres', 3],
] as const)('seats across replicas on %s (%i process(es))', (kind, processes) => {
  let kit: LicenseTestKit;
  let dir: string;
  let postgres: PostgresServer | undefined;
  let replicas: SampleProcess[] = [];

  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    dir = await mkdtemp(join(tmpdir(), 'liberty-seats-'));
    const keyVar = unique('LIBERTY_TEST_KEY');
    await writeFile(join(dir, 'public.pem'), kit.publicKey);
    await writeFile(join(dir, 'app.toml'), sampleToml({ keyVar }));
    const token = await issue(kit, { claims: claims({ users: { max: MAX } }) });
    let database: Record<string, string>;
    if (kind === 'postgres') {
      postgres = await startPostgres();
      database = { DATABASE_URL: await postgres.createDatabase('seats') };
    } else {
      database = { LIBERTY_DATA_DIR: join(dir, 'data') };
    }
    const env = {
      LIBERTY_CONFIG: join(dir, 'app.toml'),
      LIBERTY_ADMIN_TOKEN: 'seats-admin-0123456789abcdef',
      [keyVar]: token,
      ...database,
    };
    // Started together, as an orchestrator does: they also race to migrate the fresh database.
    replicas = await Promise.all(
      Array.from({ length: processes }, (_, n) =>
        SampleProcess.start({ ...env, LIBERTY_REPLICA_ID: `replica-${n + 1}` }),
      ),
    );
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const on = (n: number) => replicas[n % replicas.length];
  const create = (i: number) => on(i).call('post', '/api/users', { name: `user-${i}`, permissions: [] });

  it('200 concurrent creations spread over the replicas take exactly the 10 free seats', async () => {
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => create(i)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(MAX - 1);
    expect(statuses.filter((s) => s === 402)).toHaveLength(200 - (MAX - 1));
    for (const response of responses.filter((r) => r.status === 402)) {
      expect(response.body).toMatchObject({ statusCode: 402, code: 'SEAT_LIMIT_REACHED', max: MAX, count: MAX });
    }
    for (const replica of replicas) {
      expect((await replica.call('get', '/api/license')).body.users).toMatchObject({ count: MAX, max: MAX });
    }
  });

  it('one seat freed: replicas racing for the last seat, exactly one wins (creating and re-enabling)', async () => {
    const users = (await on(0).call('get', '/api/users')).body as Array<{ id: string; enabled: boolean }>;
    const [first, second] = users.filter((u) => u.id !== 'admin');
    expect((await on(1).call('patch', `/api/users/${first.id}`, { enabled: false })).status).toBe(200);
    expect((await on(2).call('patch', `/api/users/${second.id}`, { enabled: false })).status).toBe(200);
    // Two seats free now; 30 creations and the two re-enables race for them on three replicas.
    const results = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => create(1000 + i)),
      on(0).call('patch', `/api/users/${first.id}`, { enabled: true }),
      on(1).call('patch', `/api/users/${second.id}`, { enabled: true }),
    ]);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200 || s === 201)).toHaveLength(2);
    expect(statuses.filter((s) => s === 402)).toHaveLength(30);
    const after = (await on(2).call('get', '/api/users')).body as Array<{ enabled: boolean }>;
    expect(after.filter((u) => u.enabled)).toHaveLength(MAX);
  });
});
