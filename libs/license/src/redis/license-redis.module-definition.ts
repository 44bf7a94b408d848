import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { RedisHostClient } from './redis.client.js';

export interface LicenseRedisModuleOptions {
  /**
   * `redis://` or `rediss://` (TLS) URL, with the password or ACL user in it
   * (`rediss://liberty:secret@redis:6380`). The module opens both connections and closes them on
   * shutdown (`app.close()`), so the process can exit.
   */
  readonly url?: string;
  /**
   * Or your own node-redis client (`createClient()` of `redis` 5 or 6), used as is for commands.
   * The module never closes it: who creates a connection closes it. It opens (and closes) only the
   * subscriber it needs, `client.duplicate()`. Create it with `disableOfflineQueue: true` so that
   * a command issued while Redis is down fails at once instead of running late.
   */
  readonly client?: RedisHostClient;
  /** Names the install in keys and channel (`liberty:{<install>}:…`); default `default`. */
  readonly install?: string;
  /**
   * This replica's name, unique in the install: a non-empty string of at most 128 printable
   * characters. Default: host name, pid and a random suffix, unique per process.
   */
  readonly replicaId?: string;
  /** How often a replica re-checks the bus generation and refreshes its presence. Default 5000 ms. */
  readonly intervalMs?: number;
  /** A replica not seen for this long drops out of the list. Default 30 s. */
  readonly presenceTtlSeconds?: number;
  /** Per Redis call. Default 2000 ms. */
  readonly timeoutMs?: number;
  /** How long a day's AI counter is kept (`RedisUsageStore`). Default 3 days. */
  readonly usageRetentionSeconds?: number;
  /** Connection errors; default: one warning per outage in the `LicenseModule` log context. */
  readonly onError?: (error: Error) => void;
}

export const {
  ConfigurableModuleClass: ConfigurableLicenseRedisModule,
  MODULE_OPTIONS_TOKEN: LICENSE_REDIS_MODULE_OPTIONS,
  OPTIONS_TYPE: LICENSE_REDIS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: LICENSE_REDIS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<LicenseRedisModuleOptions>({ moduleName: 'LicenseRedis' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
