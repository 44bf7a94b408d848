import { KeyStoreReadError, type LicenseKeyStore } from '@liberty/license';
import { causeOf } from '../database/database-availability.service.js';
import type { Database } from '../database/database.service.js';

/** The one row of `license_activation`: one activated key per install. */
const CURRENT = 'current';

/**
 * ai.doo's activation by paste, kept in the app's database (SQLite or PostgreSQL) so that every
 * replica sharing it reads the same key, and a restart keeps it. The library verifies a pasted key
 * before it ever reaches `write()`; this store only keeps it. The key is never logged here.
 */
export class DatabaseKeyStore implements LicenseKeyStore {
  readonly source = 'database';
  readonly readOnlyHint = undefined;

  constructor(private readonly database: Database) {}

  /**
   * The key, or `undefined` when the table says none is activated. A database that cannot be read
   * makes this throw (the driver's error, never `undefined`): the library then keeps the license
   * and retries (DESIGN.md 5e) instead of taking an outage for a deactivation.
   */
  async read(): Promise<string | undefined> {
    try {
      const row = await this.database.db
        .selectFrom('license_activation')
        .select('token')
        .where('id', '=', CURRENT)
        .executeTakeFirst();
      return row?.token;
    } catch (error) {
      throw new KeyStoreReadError(`cannot read the key store (database: ${causeOf(error)})`, this.source);
    }
  }

  async write(token: string): Promise<void> {
    const updated_at = new Date().toISOString();
    await this.database.db
      .insertInto('license_activation')
      .values({ id: CURRENT, token, updated_at })
      .onConflict((oc) => oc.column('id').doUpdateSet({ token, updated_at }))
      .execute();
    // The key it replaced must not linger either.
    await this.database.purgeDeleted('license_activation');
  }

  /** Removes the key; no byte of it stays in the database files (secure_delete, WAL truncated). */
  async clear(): Promise<void> {
    await this.database.db.deleteFrom('license_activation').where('id', '=', CURRENT).execute();
    await this.database.purgeDeleted('license_activation');
  }
}
