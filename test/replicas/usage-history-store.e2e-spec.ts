import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, databaseSettings } from '../../apps/sample/src/database/database.service.js';
import { DatabaseUsageHistoryStore } from '../../apps/sample/src/usage-history/usage-history.store.js';
import { startPostgres, type PostgresServer } from '../support/servers.js';
import { specTimeout } from '../support/suite.js';

// The usage history store on a real SQLite file and a real PostgreSQL server, written by two
// writers at once: a peak is never lowered by a later, smaller sample, whichever writes last.
// PostgreSQL: two replicas (two connections to one database). SQLite serves one process (a second
// is refused), so there the two writers share that process's one connection.

specTimeout(120_000);

describe('usage-history-store', () => {
  let postgres: PostgresServer;
  let dir: string;
  beforeAll(async () => {
    [postgres, dir] = await Promise.all([startPostgres(), mkdtemp(join(tmpdir(), 'liberty-usage-store-'))]);
  });
  afterAll(async () => {
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe.each(['sqlite', 'postgres'] as const)('DatabaseUsageHistoryStore on %s', (kind) => {
    let replicas: Database[];
    beforeAll(async () => {
      const env =
        kind === 'postgres'
          ? { DATABASE_URL: await postgres.createDatabase('usage_history') }
          : { LIBERTY_DATA_DIR: join(dir, 'data') };
      // Opened one after the other: the second finds the schema already migrated.
      replicas = [];
      for (let i = 0; i < (kind === 'postgres' ? 2 : 1); i++) replicas.push(await Database.open(databaseSettings(env)));
    });
    afterAll(async () => {
      for (const database of replicas ?? []) await database.onApplicationShutdown();
    });

    it('keeps the largest figures per day under concurrent samples from two replicas', async () => {
      const [a, b = new DatabaseUsageHistoryStore(replicas[0])] = replicas.map(
        (database) => new DatabaseUsageHistoryStore(database),
      );
      const writes: Array<Promise<void>> = [];
      for (let i = 0; i <= 40; i++) {
        const store = i % 2 === 0 ? a : b;
        // Users go up to 20 then back down; AI messages only grow.
        writes.push(store.record({ day: '2026-11-02', peakUsers: 20 - Math.abs(20 - i), aiMessages: i * 5 }));
      }
      writes.push(a.record({ day: '2026-11-01', peakUsers: 3, aiMessages: 7 }));
      writes.push(b.record({ day: '2026-11-03', peakUsers: 1, aiMessages: 0 }));
      await Promise.all(writes);
      expect(await b.range('2026-11-01', '2026-11-30')).toEqual([
        { day: '2026-11-01', peakUsers: 3, aiMessages: 7 },
        { day: '2026-11-02', peakUsers: 20, aiMessages: 200 },
        { day: '2026-11-03', peakUsers: 1, aiMessages: 0 },
      ]);
      expect(await a.range('2026-11-02', '2026-11-02')).toEqual([
        { day: '2026-11-02', peakUsers: 20, aiMessages: 200 },
      ]);
      expect(await a.range('2026-12-01', '2026-12-31')).toEqual([]);
    });
  });
});
