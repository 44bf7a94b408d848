import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { UsageStore } from '@liberty/license';
import { Database } from '../database/database.service.js';

/**
 * The day's AI message count in the app's database, so a restart does not reset it (a restart
 * must not be a way around the cap) and replicas on one database share it. Each call is one
 * atomic upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`) in SQLite and PostgreSQL alike.
 * It is the count with `REDIS_URL` too (issue 18): a Redis restarted without persistence lost
 * the day's count and let another full day's cap through; the database is where the users and the
 * activated key already are, and it keeps what Redis cannot promise to keep. Days before the
 * current one are kept (a few bytes a day): they are the usage history.
 */
@Injectable()
export class DatabaseUsageStore implements UsageStore {
  constructor(private readonly database: Database) {}

  async increment(day: string, by: number): Promise<number> {
    const row = await this.database.db
      .insertInto('ai_usage')
      .values({ day, count: Math.max(0, by) })
      .onConflict((oc) =>
        oc.column('day').doUpdateSet({
          count: sql<number>`case when ai_usage.count + ${by} < 0 then 0 else ai_usage.count + ${by} end`,
        }),
      )
      .returning('count')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /**
   * One message counted while the day is below `limit`, in one statement: the upsert's
   * `WHERE count < limit` runs under the row lock (PostgreSQL) or the write lock (SQLite), so
   * concurrent replicas never pass the cap. `null`: at the cap, nothing counted.
   */
  async incrementBelow(day: string, limit: number): Promise<number | null> {
    if (!(limit >= 1)) return null;
    const row = await this.database.db
      .insertInto('ai_usage')
      .values({ day, count: 1 })
      .onConflict((oc) =>
        oc
          .column('day')
          .doUpdateSet({ count: sql<number>`ai_usage.count + 1` })
          // The column is a 32-bit integer: a larger cap is no cap it could reach.
          .where('ai_usage.count', '<', Math.min(limit, 2_147_483_647)),
      )
      .returning('count')
      .executeTakeFirst();
    return row ? Number(row.count) : null;
  }

  async get(day: string): Promise<number> {
    const row = await this.database.db.selectFrom('ai_usage').select('count').where('day', '=', day).executeTakeFirst();
    return Number(row?.count ?? 0);
  }
}
