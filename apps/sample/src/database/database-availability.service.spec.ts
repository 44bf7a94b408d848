import { ConsoleLogger, Logger } from '@nestjs/common';
import {
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
  type DatabaseConnection,
  type Driver,
} from 'kysely';
import {
  availabilityDialect,
  causeOf,
  DatabaseAvailability,
  DatabaseUnavailableException,
  isDatabaseUnavailable,
} from './database-availability.service.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable: an outage, told apart from a query that was wrong', () => {
  it.each([
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['both addresses refused', new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')])],
    ['reset', withCode('read ECONNRESET', 'ECONNRESET')],
    ['admin shutdown (pg_ctl stop)', withCode('terminating connection due to administrator command', '57P01')],
    ['starting up', withCode('the database system is starting up', '57P03')],
    ['connection exception class 08', withCode('connection failure', '08006')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['pg: connection ended', new Error('Connection terminated unexpectedly')],
    ['pg: pool timeout', new Error('timeout exceeded when trying to connect')],
    ['SQLite busy past its timeout', withCode('database is locked', 'SQLITE_BUSY')],
    ['SQLite I/O error', withCode('disk I/O error', 'SQLITE_IOERR_WRITE')],
    ['already converted', new DatabaseUnavailableException(new Error('x'))],
  ])('%s → unavailable', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['syntax error', withCode('syntax error at or near "selec"', '42601')],
    ['SQLite constraint', withCode('UNIQUE constraint failed: users.id', 'SQLITE_CONSTRAINT_PRIMARYKEY')],
    ['a plain error', new Error('something else')],
    ['not an error', 'ECONNREFUSED'],
  ])('%s → not an outage (passes through)', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('causeOf: the driver message, first of an AggregateError, escaped', () => {
    expect(
      causeOf(
        new DatabaseUnavailableException(
          new AggregateError([new Error('connect ECONNREFUSED ::1:5432'), new Error('b')]),
        ),
      ),
    ).toBe('connect ECONNREFUSED ::1:5432');
    expect(causeOf(new Error('line\nbreak'))).toBe('line\\u000abreak');
  });
});

describe('DatabaseAvailability: one line each way, even while the server goes down connection by connection', () => {
  const lines: string[] = [];
  const capture = {
    log: (m: unknown) => lines.push(`LOG ${String(m)}`),
    warn: (m: unknown) => lines.push(`WARN ${String(m)}`),
    error: () => undefined,
  };

  beforeEach(() => {
    lines.length = 0;
    Logger.overrideLogger(capture);
  });
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it('each terminated connection fails on its own: one line; only the probe ends the outage', async () => {
    let answering = true;
    const availability = new DatabaseAvailability('PostgreSQL test');
    availability.setProbe(async () => {
      if (!answering) throw withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
    });
    availability.arm();
    try {
      // pg_ctl stop -m fast: the backends are terminated one after the other (queries on the others
      // still answer in between — the dialect reports failures only, so they cannot end the outage).
      availability.failed(withCode('terminating connection due to administrator command', '57P01'));
      availability.failed(new Error('Connection terminated unexpectedly'));
      availability.failed(withCode('read ECONNRESET', 'ECONNRESET'));
      expect(availability.down).toBe(true);
      answering = false;
      await expect(availability.probe()).rejects.toThrow('ECONNREFUSED');
      expect(availability.down).toBe(true);
      answering = true;
      await availability.probe();
      expect(availability.down).toBe(false);
      expect(lines.map((line) => line.replace(/after [\d.]+ s/, 'after N s'))).toEqual([
        'WARN database unavailable (PostgreSQL test): "terminating connection due to administrator command"; answering 503 DATABASE_UNAVAILABLE until it is back',
        'LOG database available again (PostgreSQL test) after N s',
      ]);
    } finally {
      availability.stop();
    }
  });

  it('through the dialect: a query answered between two terminated connections does not end the outage', async () => {
    // The server as pg_ctl stop -m fast leaves it for a moment: some connections answer, some are cut.
    const script = [
      withCode('terminating connection due to administrator command', '57P01'),
      'answered',
      new Error('Connection terminated unexpectedly'),
      'answered',
      withCode('read ECONNRESET', 'ECONNRESET'),
    ];
    const connection: DatabaseConnection = {
      executeQuery: async <R>() => {
        const next = script.shift();
        if (next instanceof Error) throw next;
        return { rows: [] as R[] };
      },
      streamQuery: () => {
        throw new Error('not used');
      },
    };
    const driver: Driver = {
      init: async () => undefined,
      acquireConnection: async () => connection,
      beginTransaction: async () => undefined,
      commitTransaction: async () => undefined,
      rollbackTransaction: async () => undefined,
      releaseConnection: async () => undefined,
      destroy: async () => undefined,
    };
    const availability = new DatabaseAvailability('PostgreSQL test');
    availability.arm();
    const db = new Kysely<Record<string, never>>({
      dialect: availabilityDialect(
        {
          createAdapter: () => new SqliteAdapter(),
          createDriver: () => driver,
          createIntrospector: (kysely) => new SqliteIntrospector(kysely),
          createQueryCompiler: () => new SqliteQueryCompiler(),
        },
        availability,
      ),
    });
    availability.setProbe(async () => void (await sql`select 1`.execute(db)));
    try {
      const outcomes = [];
      for (let i = 0; i < 5; i++)
        outcomes.push(
          await sql`select 1`.execute(db).then(
            () => 'answered',
            (error: unknown) => (error as Error).constructor.name,
          ),
        );
      expect(outcomes).toEqual([
        'DatabaseUnavailableException',
        'answered',
        'DatabaseUnavailableException',
        'answered',
        'DatabaseUnavailableException',
      ]);
      expect(availability.down).toBe(true);
      await availability.probe(); // the script is done: the server answers
      expect(lines.map((line) => line.replace(/after [\d.]+ s/, 'after N s'))).toEqual([
        'WARN database unavailable (PostgreSQL test): "terminating connection due to administrator command"; answering 503 DATABASE_UNAVAILABLE until it is back',
        'LOG database available again (PostgreSQL test) after N s',
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('a probe that started before the outage proves nothing about it', async () => {
    let release!: () => void;
    const availability = new DatabaseAvailability('PostgreSQL test');
    availability.setProbe(() => new Promise<void>((resolve) => (release = resolve)));
    availability.arm();
    try {
      const early = availability.probe();
      availability.failed(withCode('read ECONNRESET', 'ECONNRESET'));
      release();
      await early;
      expect(availability.down).toBe(true);
    } finally {
      availability.stop();
    }
  });
});
