import { ConfigService } from '@nestjs/config';
import { Database, databaseSettings } from '../../apps/sample/src/database/database.service.js';
import { ADMIN_ID, UsersService } from '../../apps/sample/src/users/users.service.js';
import { startPostgres, type PostgresServer } from '../support/servers.js';
import { specTimeout } from '../support/suite.js';

// Replicas started together on a fresh PostgreSQL database each write the built-in admin at
// startup. Found by the replica suites (a replica exited 1 at startup, once in a while): two
// inserts of the admin row raced, and the loser broke the unique token hash — `on conflict (id)`
// covers only the id — so that replica refused to start. Each replica here is its own connection
// pool, as each process has.

specTimeout(120_000);

describe('admin-bootstrap', () => {
  const TOKEN = 'admin-bootstrap-token-0123456789abcdef';
  const REPLICAS = 4;
  const ROUNDS = 8;

  let postgres: PostgresServer;
  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(() => postgres?.stop());

  it(`${REPLICAS} replicas starting at once on a fresh database all start, with one admin row`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const env = { DATABASE_URL: await postgres.createDatabase(`admin_bootstrap_${round}`) };
      // Opened one after the other: the first migrates, as replicas that finished migrating.
      const databases: Database[] = [];
      for (let i = 0; i < REPLICAS; i++) databases.push(await Database.open(databaseSettings(env)));
      try {
        const config = new ConfigService({ LIBERTY_ADMIN_TOKEN: TOKEN });
        const starts = await Promise.allSettled(
          databases.map((database) => new UsersService(config, database).onModuleInit()),
        );
        expect(starts.filter((start) => start.status === 'rejected')).toEqual([]);
        const admins = await databases[0].db.selectFrom('users').selectAll().where('id', '=', ADMIN_ID).execute();
        expect(admins).toHaveLength(1);
        expect(admins[0]).toMatchObject({ enabled: 1, session_generation: 0 });
      } finally {
        await Promise.all(databases.map((database) => database.onApplicationShutdown()));
      }
    }
  });
});
