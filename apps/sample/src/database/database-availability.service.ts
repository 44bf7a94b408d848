import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { printable } from '@liberty/license/verify';
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';

export const DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE';

/**
 * 503 `DATABASE_UNAVAILABLE`: the database cannot be reached right now (DESIGN.md 5e). Thrown in
 * place of the driver's connection errors, so every route, resolver and gateway that needs the
 * database answers it — never a 500, never a stack trace per request. `cause` keeps the driver's
 * error for the one log line of the outage.
 */
export class DatabaseUnavailableException extends ServiceUnavailableException {
  constructor(cause: unknown) {
    super({ ...DATABASE_UNAVAILABLE_BODY }, { cause });
  }
}

/** The body of the 503 (REST), and the message and code GraphQL and Socket.IO answer with. */
export const DATABASE_UNAVAILABLE_BODY = Object.freeze({
  statusCode: 503,
  code: DATABASE_UNAVAILABLE,
  message: 'The database is unavailable; try again shortly',
});

/** Node's network errors: the server is not there (or went away). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
/**
 * PostgreSQL's: class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown,
 * cannot connect now — "the database system is starting up / shutting down"), 53300 (too many
 * connections). SQLite's: busy past the busy timeout, I/O errors, the file gone.
 */
const SERVER_CODES = /^(08...|57P0[123]|53300|SQLITE_BUSY.*|SQLITE_IOERR.*|SQLITE_CANTOPEN.*)$/;
/** pg's own messages for a connection that ended or never came (they carry no code). */
const DRIVER_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Connection ended unexpectedly)/;

/** Whether `error` says the database cannot be reached (an outage), not that a query was wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableException) return true;
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnavailable);
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.test(code))) return true;
  return DRIVER_MESSAGES.test(error.message);
}

/** The driver's message of an error (the first of an AggregateError), escaped for a log line. */
export function causeOf(error: unknown): string {
  const inner = error instanceof DatabaseUnavailableException ? error.cause : error;
  if (inner instanceof AggregateError && inner.errors.length > 0) return causeOf(inner.errors[0]);
  const text =
    inner instanceof Error ? inner.message || (inner as { code?: string }).code || inner.name : String(inner);
  return printable(text, 200);
}

/**
 * Whether the database answers, as seen by every query of this process: the first failure of an
 * outage logs ONE warning, the return ONE line with the outage's length — never a line per request.
 * Only the probe (`select 1`, every second while down, and whenever
 * `GET /health` asks) ends an outage: a server that shuts down terminates its connections one after
 * the other, and a query that still succeeds on one not yet terminated proves nothing.
 */
export class DatabaseAvailability {
  private readonly logger = new Logger('liberty.sample');
  private downSince?: number;
  /** Counts outages: a probe that started before the current one began proves nothing about it. */
  private outages = 0;
  private probeTimer?: NodeJS.Timeout;
  private probing?: () => Promise<void>;
  /** Off while the database is opened: a start that fails says so in its own one line. */
  private armed = false;

  constructor(private readonly where: string) {}

  /** From now on an outage is reported and probed (the database opened and migrated). */
  arm(): void {
    this.armed = true;
  }

  /** `true` while an outage is under way. */
  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** The check the probe and `/health` run (set once the database is open). */
  setProbe(probe: () => Promise<void>): void {
    this.probing = probe;
  }

  /** Runs the probe now: resolves when the database answered, rejects with the 503 otherwise. */
  async probe(): Promise<void> {
    if (!this.probing) return;
    const generation = this.outages;
    await this.probing();
    this.recovered(generation);
  }

  /** A probe that started at `generation` got an answer: the outage under way since then is over. */
  private recovered(generation: number): void {
    // A probe that started before the outage began proves nothing about it.
    if (this.downSince === undefined || generation !== this.outages) return;
    const seconds = ((Date.now() - this.downSince) / 1000).toFixed(1);
    this.downSince = undefined;
    this.stopProbe();
    this.logger.log(`database available again (${this.where}) after ${seconds} s`);
  }

  failed(error: unknown): void {
    if (!this.armed || this.downSince !== undefined) return;
    this.downSince = Date.now();
    this.outages++;
    this.logger.warn(
      `database unavailable (${this.where}): "${causeOf(error)}"; answering 503 ${DATABASE_UNAVAILABLE} until it is back`,
    );
    this.probeTimer = setInterval(() => void this.probe().catch(() => undefined), 1_000);
    this.probeTimer.unref();
  }

  /** Shutdown. */
  stop(): void {
    this.stopProbe();
  }

  private stopProbe(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }
}

/**
 * A Kysely dialect that reports every query to `availability` and turns connection errors into
 * `DatabaseUnavailableException` (503) in ONE place, for every caller. Other errors (a constraint,
 * a syntax error) pass through untouched.
 */
export function availabilityDialect(inner: Dialect, availability: DatabaseAvailability): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: (): QueryCompiler => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: () => new AvailabilityDriver(inner.createDriver(), availability),
  };
}

class AvailabilityConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly watch: <T>(work: () => Promise<T>) => Promise<T>,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.watch(() => this.inner.executeQuery<R>(query));
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class AvailabilityDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly availability: DatabaseAvailability,
  ) {}

  init(): Promise<void> {
    return this.watch(() => this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.watch(() => this.inner.acquireConnection());
    return new AvailabilityConnection(connection, (work) => this.watch(work));
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.watch(() => this.inner.beginTransaction(innerOf(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.watch(() => this.inner.commitTransaction(innerOf(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.watch(() => this.inner.rollbackTransaction(innerOf(connection)));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(innerOf(connection));
  }

  destroy(): Promise<void> {
    this.availability.stop();
    return this.inner.destroy();
  }

  private async watch<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error; // a constraint, a syntax error: not an outage
      this.availability.failed(error);
      throw error instanceof DatabaseUnavailableException ? error : new DatabaseUnavailableException(error);
    }
  }
}

function innerOf(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof AvailabilityConnection ? connection.inner : connection;
}
