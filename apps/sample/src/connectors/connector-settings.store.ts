import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service.js';

/**
 * The Settings → Connectors toggles (`licensed` per connector id), in the app's database: they
 * survive a restart and are the same on every replica. app.toml only defines the connectors and
 * their default; a stored toggle overrides it.
 */
@Injectable()
export class ConnectorSettingsStore {
  constructor(private readonly database: Database) {}

  async all(): Promise<Map<string, boolean>> {
    const rows = await this.database.db.selectFrom('connector_settings').selectAll().execute();
    return new Map(rows.map((row) => [row.id, row.licensed === 1]));
  }

  async set(id: string, licensed: boolean): Promise<void> {
    const value = licensed ? 1 : 0;
    await this.database.db
      .insertInto('connector_settings')
      .values({ id, licensed: value })
      .onConflict((oc) => oc.column('id').doUpdateSet({ licensed: value }))
      .execute();
  }
}
