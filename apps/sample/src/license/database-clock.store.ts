import type { LicenseClockStore } from '@liberty/license';
import type { Database } from '../database/database.service.js';

const CURRENT = 'current';

/**
 * The latest time this install has seen, in its database (issue 19, "one clock"): a hub whose
 * clock was set back before a restart judges keys at this time, so it cannot accept — and tell its
 * satellites about — a key that expired in the meantime. Shared by every replica; only ever moves
 * forward (ISO 8601 strings of one format sort as text, on SQLite and PostgreSQL alike).
 */
export class DatabaseClockStore implements LicenseClockStore {
  constructor(private readonly database: Database) {}

  async read(): Promise<Date | undefined> {
    const row = await this.database.db
      .selectFrom('license_clock')
      .select('latest')
      .where('id', '=', CURRENT)
      .executeTakeFirst();
    return row ? new Date(row.latest) : undefined;
  }

  async record(at: Date): Promise<void> {
    const latest = at.toISOString();
    await this.database.db
      .insertInto('license_clock')
      .values({ id: CURRENT, latest })
      .onConflict((oc) => oc.column('id').doUpdateSet({ latest }).where('license_clock.latest', '<', latest))
      .execute();
  }
}
