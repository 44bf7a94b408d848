// The real servers the replica tests start (PostgreSQL, redis-server): one implementation, shared
// with the benchmarks.
export {
  freePort,
  PG_BIN,
  startPostgres,
  startRedis,
  type PostgresServer,
  type RedisServer,
} from '../../../bench/lib/servers.js';
