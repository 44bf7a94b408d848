// @liberty/license/redis: what the replicas of one install share, on Redis (node-redis 5 or 6,
// an optional peer dependency: install `redis` to use this entry point).
export { LicenseRedisModule } from './license-redis.module.js';
export type { LicenseRedisModuleOptions } from './license-redis.module-definition.js';
export {
  connectRedis,
  defaultReplicaId,
  openRedis,
  RedisUnavailableError,
  type RedisCommandClient,
  type RedisConnections,
  type RedisHostClient,
  type RedisSource,
  type RedisSubscriberClient,
} from './redis.client.js';
export { RedisUsageStore, type RedisUsageStoreOptions } from './redis-usage.store.js';
export { RedisLicenseBus, LICENSE_BUS_ORIGIN, type RedisLicenseBusOptions } from './redis-license.bus.js';
export { RedisReplicaPresence, type ReplicaList } from './redis-replica.presence.js';
export type { ReplicaPresence } from '../state/replica-presence.util.js';
