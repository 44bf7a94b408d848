import { causeOf, DatabaseUnavailableException, isDatabaseUnavailable } from './database-availability.js';

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
    expect(causeOf(new DatabaseUnavailableException(new AggregateError([new Error('connect ECONNREFUSED ::1:5432'), new Error('b')])))).toBe(
      'connect ECONNREFUSED ::1:5432',
    );
    expect(causeOf(new Error('line\nbreak'))).toBe('line\\u000abreak');
  });
});
