import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { Database } from '../database/database.service.js';

/** One UTC day of the usage history. */
export interface UsageDay {
  /** `YYYY-MM-DD` (UTC). */
  readonly day: string;
  /** The most enabled users seen that day. */
  readonly peakUsers: number;
  /** AI messages used that day (the daily counter's highest value). */
  readonly aiMessages: number;
}

/** One sample: the AI figure is absent when the usage store could not be read (Redis down). */
export interface UsageSample {
  readonly day: string;
  readonly peakUsers: number;
  readonly aiMessages?: number;
}

/** Where the history lives. The sample app keeps it in its database; another host could use a file. */
export abstract class UsageHistoryStore {
  /** Raises `day`'s figures to at least these (a peak never goes down); an absent figure is left as it is. */
  abstract record(sample: UsageSample): Promise<void>;
  /** The recorded days from `from` to `to` (inclusive, `YYYY-MM-DD`), in order. Days without a sample are absent. */
  abstract range(from: string, to: string): Promise<UsageDay[]>;
}

/**
 * The history in the app's database (SQLite or PostgreSQL), so replicas sharing it write one
 * history and a restart loses nothing. One upsert per sample, keeping the larger of the stored
 * and the new figure: concurrent samples from several replicas cannot lower a peak.
 */
@Injectable()
export class DatabaseUsageHistoryStore extends UsageHistoryStore {
  constructor(private readonly database: Database) {
    super();
  }

  async record({ day, peakUsers, aiMessages }: UsageSample): Promise<void> {
    // SQLite's two-argument max() is PostgreSQL's greatest().
    const larger = this.database.kind === 'postgres' ? sql.raw('greatest') : sql.raw('max');
    await this.database.db
      .insertInto('usage_history')
      .values({ day, peak_users: peakUsers, ai_messages: aiMessages ?? 0 })
      .onConflict((oc) =>
        oc.column('day').doUpdateSet({
          peak_users: sql<number>`${larger}(usage_history.peak_users, excluded.peak_users)`,
          ...(aiMessages !== undefined
            ? { ai_messages: sql<number>`${larger}(usage_history.ai_messages, excluded.ai_messages)` }
            : {}),
        }),
      )
      .execute();
  }

  async range(from: string, to: string): Promise<UsageDay[]> {
    const rows = await this.database.db
      .selectFrom('usage_history')
      .selectAll()
      .where('day', '>=', from)
      .where('day', '<=', to)
      .orderBy('day')
      .execute();
    return rows.map((row) => ({
      day: row.day,
      peakUsers: Number(row.peak_users),
      aiMessages: Number(row.ai_messages),
    }));
  }
}
