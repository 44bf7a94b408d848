import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { UsageStore } from '@liberty/license';
import { Database } from '../database/database.js';

/**
 * The day's AI message count in the app's database, so a restart does not reset it (a restart
 * must not be a way around the cap) and replicas on one database share it. Each call is one
 * atomic upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`) in SQLite and PostgreSQL alike.
 * With `REDIS_URL` the app uses `RedisUsageStore` instead. Days before the current one are kept
 * (a few bytes a day): they are the usage history.
 */
@Injectable()
export class DatabaseUsageStore implements UsageStore {
  constructor(private readonly database: Database) {}

  async increment(day: string, by: number): Promise<number> {
    const row = await this.database.db
      .insertInto('ai_usage')
      .values({ day, count: Math.max(0, by) })
      .onConflict((oc) =>
        oc.column('day').doUpdateSet({ count: sql<number>`case when ai_usage.count + ${by} < 0 then 0 else ai_usage.count + ${by} end` }),
      )
      .returning('count')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async get(day: string): Promise<number> {
    const row = await this.database.db.selectFrom('ai_usage').select('count').where('day', '=', day).executeTakeFirst();
    return Number(row?.count ?? 0);
  }
}
