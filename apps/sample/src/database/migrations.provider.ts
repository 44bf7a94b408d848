import { type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DatabaseKind } from './schema.interface.js';

/**
 * The schema's history, in code (no migration files to ship or find at run time). Kysely's
 * `Migrator` runs them at startup under its own lock, so replicas starting together migrate once.
 * Never edit a migration that shipped: add the next one.
 */
export function migrations(_kind: DatabaseKind): MigrationProvider {
  const all: Record<string, Migration> = {
    '2026-12-04-001-initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('permissions', 'text', (c) => c.notNull())
          .addColumn('enabled', 'integer', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('users_enabled').on('users').column('enabled').execute();
        await db.schema
          .createTable('connector_settings')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('licensed', 'integer', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('ai_usage')
          .addColumn('day', 'text', (c) => c.primaryKey())
          .addColumn('count', 'integer', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('license_activation')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('token', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '2026-12-04-002-usage-history': {
      // Per UTC day: the peak of enabled users and the AI messages used (the true-up report).
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('usage_history')
          .addColumn('day', 'text', (c) => c.primaryKey())
          .addColumn('peak_users', 'integer', (c) => c.notNull())
          .addColumn('ai_messages', 'integer', (c) => c.notNull())
          .execute();
      },
    },
    '2026-12-04-013-sessions': {
      // Server-side browser sessions (issue 13): the cookie carries a random id, never the token.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('sessions')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();
      },
    },
    '2026-12-06-020-session-generation': {
      // Issue 20: sessions end with the credential behind them (rotation, disable, sign out everywhere).
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('users')
          .addColumn('session_generation', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .alterTable('sessions')
          .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    '2026-12-06-019-license-clock': {
      // Issue 19: the latest time the app has seen, so a clock set back across a restart is caught.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('license_clock')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('latest', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '2026-12-06-021-shared-settings': {
      // Framework settings changed at run time, shared by every replica on PostgreSQL (issue 18).
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('shared_settings')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
  };
  return { getMigrations: () => Promise.resolve(all) };
}
