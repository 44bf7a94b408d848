// Seat claims per second across 3 replicas on one PostgreSQL (started here): the sample app's seat
// transaction (pg_advisory_xact_lock + count of enabled users + insert, in one transaction, as
// SeatedUserWrites runs it) vs the same inserts without the seat check. Three `Database` instances
// (three pools) stand for the three replicas; each runs `concurrency` claims at a time. Variants
// alternate over rounds.
import { randomBytes } from 'node:crypto';
import { reply } from '../lib/child.js';
import { option } from '../lib/license-fixture.js';
import { startPostgres } from '../../test/support/servers.js';
import { rotate, summarize } from '../lib/stats.js';
import { Database, databaseSettings } from '../../apps/sample/dist/database/database.service.js';

const rounds = option('rounds', 5);
const claims = option('claims', 600);
const concurrency = option('concurrency', 8);

const postgres = await startPostgres();
const replicas = [];
try {
  const url = await postgres.createDatabase('seats_bench');
  for (let n = 0; n < 3; n++) replicas.push(await Database.open(databaseSettings({ DATABASE_URL: url })));
  const row = () => ({
    id: `u${randomBytes(8).toString('hex')}`,
    name: 'bench',
    permissions: '[]',
    enabled: 1,
    token_hash: randomBytes(24).toString('base64url'),
    created_at: new Date().toISOString(),
  });
  const variants = {
    seatClaimsPerSec: (database) =>
      database.serialized('seats', async (tx) => {
        const { n } = await tx
          .selectFrom('users')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('enabled', '=', 1)
          .executeTakeFirstOrThrow();
        if (Number(n) >= Number.MAX_SAFE_INTEGER) throw new Error('unreachable cap');
        await tx.insertInto('users').values(row()).execute();
      }),
    plainInsertsPerSec: (database) => database.db.insertInto('users').values(row()).execute(),
  };
  const runVariant = async (claim) => {
    let left = claims;
    const worker = async (database) => {
      while (left > 0) {
        left--;
        await claim(database);
      }
    };
    const start = process.hrtime.bigint();
    await Promise.all(replicas.flatMap((database) => Array.from({ length: concurrency }, () => worker(database))));
    return claims / (Number(process.hrtime.bigint() - start) / 1e9);
  };
  for (const claim of Object.values(variants)) await runVariant(claim); // warm-up
  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of rotate(Object.keys(variants), round)) samples[name].push(await runVariant(variants[name]));
  }
  reply(Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summarize(values)])));
} finally {
  for (const database of replicas) await database.onApplicationShutdown();
  await postgres.stop();
}
