import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue, sampleToml, unique } from '../sample/sample-fixture.js';
import { SampleProcess } from '../support/apps.js';
import { startPostgres, type PostgresServer } from '../support/servers.js';
import { specTimeout } from '../support/suite.js';

// Issue 18: a rename (or a permissions edit) racing a disable must not write `enabled` back.
// Before the fix `PATCH /api/users/:id` read the whole row and wrote it all back outside the seat
// lock: a disable that answered 200 was undone, and once its seat had been taken by a new user the
// cap was exceeded. Real HTTP on the built app: SQLite (one process, the only supported way) and
// two replicas sharing PostgreSQL.

specTimeout(240_000);

const MAX = 6; // the admin takes one seat: 5 free
const TRIALS = 12;

interface UserView {
  id: string;
  name: string;
  enabled: boolean;
  permissions: string[];
}

describe.each([
  ['sqlite', 1],
  ['postgres', 2],
] as const)('user edits racing disables on %s (%i process(es))', (kind, processes) => {
  let dir: string;
  let postgres: PostgresServer | undefined;
  let replicas: SampleProcess[] = [];

  beforeAll(async () => {
    const kit = await LicenseTestKit.create();
    dir = await mkdtemp(join(tmpdir(), 'liberty-seat-edits-'));
    const keyVar = unique('LIBERTY_TEST_KEY');
    await writeFile(join(dir, 'public.pem'), kit.publicKey);
    await writeFile(join(dir, 'app.toml'), sampleToml({ keyVar }));
    const token = await issue(kit, { claims: claims({ users: { max: MAX } }) });
    let database: Record<string, string>;
    if (kind === 'postgres') {
      postgres = await startPostgres();
      database = { DATABASE_URL: await postgres.createDatabase('seat_edits') };
    } else {
      database = { LIBERTY_DATA_DIR: join(dir, 'data') };
    }
    const env = {
      LIBERTY_CONFIG: join(dir, 'app.toml'),
      LIBERTY_ADMIN_TOKEN: 'seat-edits-admin-0123456789abcdef',
      [keyVar]: token,
      ...database,
    };
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
  const users = async () => (await on(0).call('get', '/api/users')).body as UserView[];
  let created = 0;
  const create = (n: number) => on(n).call('post', '/api/users', { name: `user-${created++}`, permissions: [] });

  /** Creates users until the cap answers 402. */
  async function fill(): Promise<void> {
    for (let i = 0; i < MAX + 1; i++) if ((await create(i)).status === 402) return;
    throw new Error('the cap was never reached');
  }

  it('a disable that answered 200 is never undone, and enabled users never exceed the cap', async () => {
    const undone: string[] = [];
    let exceeded = 0;
    const miscounted: Array<{ trial: number; enabled: number; seated: number }> = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      await fill();
      const victim = (await users()).find((u) => u.enabled && u.id !== 'admin')!;
      // One disable, renames and permission edits of the same user on the other replica, and two
      // creations waiting for the seat the disable frees.
      const [disable, ...rest] = await Promise.all([
        on(0).call('patch', `/api/users/${victim.id}`, { enabled: false }),
        ...Array.from({ length: 10 }, (_, i) =>
          on(i).call('patch', `/api/users/${victim.id}`, { name: `renamed-${trial}-${i}` }),
        ),
        on(1).call('patch', `/api/users/${victim.id}`, { permissions: ['license:read'] }),
        create(0),
        create(1),
      ]);
      // Status and body together: a refusal says why (a 503 names the database) in the failure.
      expect({ status: disable.status, body: disable.body }).toMatchObject({ status: 200 });
      const unexpected = rest.filter((response) => ![200, 201, 402].includes(response.status));
      expect(unexpected.map(({ status, body }) => ({ status, body }))).toEqual([]);
      const after = await users();
      if (after.find((u) => u.id === victim.id)!.enabled) undone.push(victim.id);
      if (after.filter((u) => u.enabled).length > MAX) exceeded++;
      // The answers are what was stored, in whichever order the replicas took the seat lock: the
      // disable freed one seat, and each creation took it (201) or found the cap full (402) — both
      // are refused when they take the lock before the disable (a loaded machine does that).
      const seated = rest.slice(-2).filter((response) => response.status === 201).length;
      const enabled = after.filter((u) => u.enabled).length;
      if (enabled !== MAX - 1 + seated) miscounted.push({ trial, enabled, seated });
      // The edits that were given still landed: the name is one of the renames, the permissions set.
      const edited = after.find((u) => u.id === victim.id)!;
      expect(edited.name).toMatch(new RegExp(`^renamed-${trial}-\\d$`));
      expect(edited.permissions).toEqual(['license:read']);
    }
    expect({ undone: undone.length, exceeded, miscounted }).toEqual({ undone: 0, exceeded: 0, miscounted: [] });
    // The last trial may have ended one below the cap (both creations refused): fill it, then
    // every replica counts exactly the cap.
    await fill();
    for (const replica of replicas) {
      expect((await replica.call('get', '/api/license')).body.users).toMatchObject({ count: MAX, max: MAX });
    }
  });

  it('enable racing disable and renames: the final state is one of the answered writes, never above the cap', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      await fill();
      const all = await users();
      const disabled = all.find((u) => !u.enabled)!;
      const enabled = all.find((u) => u.enabled && u.id !== 'admin')!;
      // Frees one seat while a disabled user asks for it back and a third party edits both.
      const results = await Promise.all([
        on(0).call('patch', `/api/users/${enabled.id}`, { enabled: false }),
        on(1).call('patch', `/api/users/${disabled.id}`, { enabled: true }),
        on(0).call('patch', `/api/users/${disabled.id}`, { name: `back-${trial}` }),
        on(1).call('patch', `/api/users/${enabled.id}`, { name: `gone-${trial}` }),
        create(trial),
      ]);
      expect(results[0].status).toBe(200);
      const after = await users();
      expect(after.filter((u) => u.enabled).length).toBeLessThanOrEqual(MAX);
      expect(after.find((u) => u.id === enabled.id)!.enabled).toBe(false);
      // The re-enable either took the seat (200, enabled) or was refused (402, still disabled).
      expect(after.find((u) => u.id === disabled.id)!.enabled).toBe(results[1].status === 200);
    }
  });
});
