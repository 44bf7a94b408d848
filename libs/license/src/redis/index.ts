// @liberty/license/redis: what the replicas of one install share, on Redis (node-redis >= 5,
// an optional peer dependency: install `redis` to use this entry point).
export {
  connectRedis,
  RedisUnavailableError,
  type RedisCommandClient,
  type RedisConnections,
  type RedisSubscriberClient,
} from './redis-client.js';
export { RedisUsageStore, type RedisUsageStoreOptions } from './redis-usage-store.js';
export { RedisLicenseBus, LICENSE_BUS_ORIGIN, type RedisLicenseBusOptions } from './redis-license-bus.js';
export type { ReplicaPresence } from '../state/replica-presence.util.js';
