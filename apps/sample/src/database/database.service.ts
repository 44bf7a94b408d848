import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { SAMPLE_ROOT } from '../sample-root.constants.js';
import {
  availabilityDialect,
  causeOf,
  DatabaseAvailability,
  isDatabaseUnavailable,
} from './database-availability.service.js';
import { migrations } from './migrations.provider.js';
import type { DatabaseKind, DatabaseSchema } from './schema.interface.js';

export type { DatabaseKind } from './schema.interface.js';

export type Db = Kysely<DatabaseSchema>;
export type Tx = Transaction<DatabaseSchema> | Kysely<DatabaseSchema>;

/** `apps/sample/data/`. */
export const DEFAULT_DATA_DIR = join(SAMPLE_ROOT, 'data');

export interface DatabaseSettings {
  readonly kind: DatabaseKind;
  /** The SQLite file, or the PostgreSQL URL (which may carry a password: never log it, use `where`). */
  readonly location: string;
}

/** A database that cannot be opened or migrated at startup: one clear line, no stack trace. */
export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
  constructor(message: string) {
    super(message);
    // What an operator must read is the message; Nest's ExceptionHandler echoes the stack otherwise.
    this.stack = `${this.name}: ${message}`;
  }
}

/** PostgreSQL when `DATABASE_URL` is set, else SQLite in `dataDir` / `LIBERTY_DATA_DIR` / apps/sample/data. */
export function databaseSettings(
  env: { DATABASE_URL?: string; LIBERTY_DATA_DIR?: string },
  dataDir?: string,
): DatabaseSettings {
  const url = env.DATABASE_URL?.trim();
  if (url) return { kind: 'postgres', location: url };
  const dir = resolve(dataDir ?? (env.LIBERTY_DATA_DIR?.trim() || DEFAULT_DATA_DIR));
  return { kind: 'sqlite', location: join(dir, 'liberty.db') };
}

/** Where the database is, for logs and errors: the file, or host:port/name of the URL without credentials. */
export function describeLocation(settings: DatabaseSettings): string {
  if (settings.kind === 'sqlite') return `SQLite ${settings.location}`;
  try {
    const url = new URL(settings.location);
    return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL is not a valid URL)';
  }
}

/**
 * The sample app's database: one Kysely instance over SQLite (better-sqlite3) or PostgreSQL (pg),
 * migrated at startup. Everything else in the app writes SQL once, through `db`.
 */
export class Database implements OnApplicationShutdown {
  private constructor(
    readonly kind: DatabaseKind,
    readonly db: Db,
    readonly where: string,
    /** Whether the database answers now; an outage is logged once when it starts and once when it ends. */
    readonly availability: DatabaseAvailability,
  ) {}

  static async open(settings: DatabaseSettings): Promise<Database> {
    const where = describeLocation(settings);
    const availability = new DatabaseAvailability(where);
    let db: Db;
    try {
      db =
        settings.kind === 'sqlite'
          ? await openSqlite(settings.location, availability)
          : openPostgres(settings.location, availability);
    } catch (error) {
      throw new DatabaseOpenError(`Cannot open the database (${where}): ${messageOf(error)}`);
    }
    const error = await migrate(db, settings.kind);
    if (error) {
      await db.destroy().catch(() => undefined);
      throw new DatabaseOpenError(`Cannot open the database (${where}): ${messageOf(error)}`);
    }
    availability.setProbe(async () => void (await sql`select 1`.execute(db)));
    availability.arm();
    new Logger('liberty.sample').log(`database: ${where}`);
    return new Database(settings.kind, db, where, availability);
  }

  /**
   * Runs `work` in a transaction that holds this install's lock named `lock`, so that a read and
   * the write that depends on it (count the enabled users, then insert one) are one step for every
   * process sharing the database. SQLite: `BEGIN IMMEDIATE` (takes the database's write lock at
   * once; other writers wait up to the busy timeout). PostgreSQL: `pg_advisory_xact_lock`, held
   * until commit or rollback.
   */
  async serialized<T>(lock: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.kind === 'postgres') {
      // READ COMMITTED whatever the server's default: each statement after the lock then sees what
      // the previous holder committed (under REPEATABLE READ the snapshot predates the lock).
      return this.db
        .transaction()
        .setIsolationLevel('read committed')
        .execute(async (tx) => {
          await sql`select pg_advisory_xact_lock(hashtext(${`liberty:${lock}`}))`.execute(tx);
          return work(tx);
        });
    }
    // Kysely's SQLite driver has a single connection guarded by a mutex: holding it is holding
    // this process's turn; BEGIN IMMEDIATE takes the turn against the other processes.
    return this.db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      try {
        const result = await work(connection);
        await sql`commit`.execute(connection);
        return result;
      } catch (error) {
        await sql`rollback`.execute(connection).catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * After deleting a secret (a deactivated key): no copy of it stays in the files. SQLite runs
   * with `secure_delete` (deleted content is overwritten with zeros in the database file); this
   * then checkpoints the WAL and truncates it, so the frames that still held the old page go too.
   * PostgreSQL keeps dead row versions until VACUUM (see docs/ai-doo-keys-and-activation.md):
   * this runs `VACUUM` on the table, which makes their space reusable but does not overwrite it.
   */
  async purgeDeleted(table: 'license_activation'): Promise<void> {
    if (this.kind === 'postgres') {
      await sql`vacuum ${sql.table(table)}`.execute(this.db);
      return;
    }
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(this.db);
  }

  async onApplicationShutdown(): Promise<void> {
    this.availability.stop();
    await this.db.destroy();
  }
}

/** How long a start may try to reach the database: the process exits well within 10 s. */
const STARTUP_DEADLINE_MS = 7_000;

/**
 * Runs the migrations; retried a few times because replicas starting together on a fresh database
 * can race to create Kysely's own bookkeeping tables (the migrations themselves run under its lock).
 * A database that cannot be reached is not retried past the startup deadline: the process exits
 * with one line and the orchestrator restarts it.
 */
async function migrate(db: Db, kind: DatabaseKind): Promise<unknown> {
  const deadline = Date.now() + STARTUP_DEADLINE_MS;
  let error: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    ({ error } = await new Migrator({ db, provider: migrations(kind) }).migrateToLatest());
    if (!error) return undefined;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 300));
  }
  return error;
}

/**
 * One SQLite file, one process (issue 18): the app keeps state in memory that only the bus or
 * the shared settings of PostgreSQL keep in step (the license, its settings), so a second process
 * on the same file would silently diverge — an activation on one never reached the other.
 * `locking_mode = EXCLUSIVE` makes SQLite hold its file lock from the first write until the
 * connection closes; the kernel drops it when the process dies, so a crashed process never blocks
 * a restart. A second process finds the file locked and refuses to start, naming the pid recorded
 * next to it. Several replicas: PostgreSQL (`DATABASE_URL`).
 */
async function openSqlite(file: string, availability: DatabaseAvailability): Promise<Db> {
  const dir = resolve(file, '..');
  // 0700: the database may hold the activated license key.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const database = new SQLite(file, { timeout: 15_000 });
  try {
    await chmod(file, 0o600);
    // Before the first access: in exclusive mode WAL needs no shared memory between processes.
    database.pragma('locking_mode = EXCLUSIVE');
    database.pragma('busy_timeout = 0');
    try {
      database.exec('begin exclusive; commit');
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      const owner = (await readFile(ownerFile(file), 'utf8').catch(() => '')).trim();
      const pid = /^\d+$/.test(owner) ? ` (pid ${owner})` : '';
      throw new Error(
        `in use by another process${pid}; SQLite serves one process — stop that one, or run several replicas on PostgreSQL (DATABASE_URL)`,
        { cause: error },
      );
    }
    database.pragma('busy_timeout = 15000');
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    // A deactivated key must not stay in a free page of the file (issue 19): deleted content is
    // overwritten with zeros (and purgeDeleted() truncates the WAL that still held it).
    database.pragma('secure_delete = ON');
    await writeFile(ownerFile(file), `${process.pid}\n`, { mode: 0o600 });
  } catch (error) {
    database.close();
    throw error;
  }
  return new Kysely<DatabaseSchema>({ dialect: availabilityDialect(new SqliteDialect({ database }), availability) });
}

/** Where the process holding the SQLite file writes its pid (for the refusal's message only). */
function ownerFile(file: string): string {
  return `${file}.pid`;
}

function openPostgres(url: string, availability: DatabaseAvailability): Db {
  // A connection that cannot be had within 5 s is an outage (503), and a start gives up in time.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000 });
  // No process dies of the database's outage: pg emits 'error' on a client whose server went away
  // ("terminating connection due to administrator command") — on the pool for an idle client, on
  // the client itself while it is checked out. Both are handled; the outage is logged once.
  const lost = (error: Error) => {
    if (isDatabaseUnavailable(error)) availability.failed(error);
    else new Logger('liberty.sample').warn(`database connection error: "${causeOf(error)}"`);
  };
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  return new Kysely<DatabaseSchema>({ dialect: availabilityDialect(new PostgresDialect({ pool }), availability) });
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  if (error instanceof Error && error.cause !== undefined && isDatabaseUnavailable(error)) return causeOf(error);
  return error instanceof Error ? error.message || error.name : String(error);
}
