import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { LICENSE_LOGGER_CONTEXT } from '../license.constants.js';
import { LicenseConfigurationError } from '../options/license-configuration.error.js';
import { LicenseService } from '../license.service.js';
import { USAGE_STORE } from '../usage/usage-store.interface.js';
import { printable } from '../verification/rejection-reasons.util.js';
import {
  ConfigurableLicenseRedisModule,
  LICENSE_REDIS_MODULE_OPTIONS,
  LICENSE_REDIS_OPTIONS_TYPE,
  type LicenseRedisModuleOptions,
} from './license-redis.module-definition.js';
import { checkInstall, checkReplicaId, openRedis, type RedisConnections } from './redis.client.js';
import { RedisLicenseBus } from './redis-license.bus.js';
import { RedisUsageStore } from './redis-usage.store.js';

/** The connections the module opened (or the host's client plus the module's subscriber). */
export const LICENSE_REDIS_CONNECTIONS = Symbol('liberty.license.redis-connections');

/**
 * Connects once the whole app is built (onModuleInit: an app whose creation fails never opened a
 * socket), before the bus starts (onApplicationBootstrap); closes what the module opened after
 * the bus has left the replica list (beforeApplicationShutdown).
 */
@Injectable()
class RedisConnectionsLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(LICENSE_REDIS_CONNECTIONS) private readonly connections: RedisConnections) {}
  onModuleInit(): void {
    this.connections.open();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.connections.close();
  }
}

/** Checks the options before anything connects: one clear error naming the option. */
function checkOptions(options: LicenseRedisModuleOptions): void {
  if (!options || typeof options !== 'object')
    throw new LicenseConfigurationError('LicenseRedisModule.forRoot: options are required ({ url } or { client })');
  const { url, client } = options;
  if ((url === undefined) === (client === undefined)) {
    throw new LicenseConfigurationError(
      'LicenseRedisModule.forRoot: give exactly one of "url" (the module owns the connections) or "client" (yours)',
    );
  }
  if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\/./.test(url))) {
    throw new LicenseConfigurationError('LicenseRedisModule.forRoot: "url" must be a redis:// or rediss:// URL');
  }
  if (client !== undefined && typeof (client as { duplicate?: unknown })?.duplicate !== 'function') {
    throw new LicenseConfigurationError(
      'LicenseRedisModule.forRoot: "client" must be a node-redis client (createClient() of redis 5 or 6)',
    );
  }
  if (options.replicaId !== undefined) checkReplicaId(options.replicaId);
  try {
    checkInstall(options.install ?? 'default');
  } catch (error) {
    throw new LicenseConfigurationError(`LicenseRedisModule.forRoot: ${(error as Error).message}`);
  }
  for (const name of ['intervalMs', 'presenceTtlSeconds', 'timeoutMs', 'usageRetentionSeconds'] as const) {
    const value = options[name];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new LicenseConfigurationError(`LicenseRedisModule.forRoot: "${name}" must be a positive number`);
    }
  }
}

/** One warning per outage (node-redis reports every failed reconnect), logged again after a recovery. */
function outageLogger(): { onError: (error: Error) => void; recovered: () => void } {
  const logger = new Logger(LICENSE_LOGGER_CONTEXT);
  let reported = false;
  return {
    onError: (error) => {
      if (!reported) logger.warn(`Redis: "${printable(error.message || error.name, 200)}"; retrying`);
      reported = true;
    },
    recovered: () => (reported = false),
  };
}

/**
 * `LicenseRedisModule.forRoot({ url })` (or `{ client }`, or `forRootAsync`): what the replicas of
 * one install share on Redis. Provides `RedisLicenseBus` (license changes reach every replica;
 * who the replicas are), `RedisUsageStore` and `USAGE_STORE` (the daily AI counter, for
 * `AiUsageLimiter`). Owns the connections it opens and closes them on shutdown; a client passed
 * in stays the host's. Needs `LicenseModule` (for `LicenseService`). Global by default.
 */
@Module({
  providers: [
    {
      provide: LICENSE_REDIS_CONNECTIONS,
      inject: [LICENSE_REDIS_MODULE_OPTIONS],
      useFactory: async (options: LicenseRedisModuleOptions): Promise<RedisConnections> => {
        checkOptions(options);
        const log = outageLogger();
        const source = options.url !== undefined ? { url: options.url } : { client: options.client! };
        const connections = await openRedis(source, options.onError ?? log.onError, { lazy: true });
        (connections.client as unknown as { on?: (event: 'ready', listener: () => void) => unknown }).on?.(
          'ready',
          log.recovered,
        );
        return connections;
      },
    },
    {
      provide: RedisLicenseBus,
      inject: [LicenseService, LICENSE_REDIS_CONNECTIONS, LICENSE_REDIS_MODULE_OPTIONS],
      useFactory: (license: LicenseService, connections: RedisConnections, options: LicenseRedisModuleOptions) =>
        new RedisLicenseBus(license, {
          client: connections.client,
          subscriber: connections.subscriber,
          ...(options.replicaId !== undefined ? { replicaId: options.replicaId } : {}),
          ...(options.install !== undefined ? { install: options.install } : {}),
          ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
          ...(options.presenceTtlSeconds !== undefined ? { presenceTtlSeconds: options.presenceTtlSeconds } : {}),
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        }),
    },
    {
      provide: RedisUsageStore,
      inject: [LICENSE_REDIS_CONNECTIONS, LICENSE_REDIS_MODULE_OPTIONS],
      useFactory: (connections: RedisConnections, options: LicenseRedisModuleOptions) =>
        new RedisUsageStore({
          client: connections.client,
          ...(options.install !== undefined ? { install: options.install } : {}),
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
          ...(options.usageRetentionSeconds !== undefined ? { retentionSeconds: options.usageRetentionSeconds } : {}),
        }),
    },
    { provide: USAGE_STORE, useExisting: RedisUsageStore },
    RedisConnectionsLifecycle,
  ],
  exports: [RedisLicenseBus, RedisUsageStore, USAGE_STORE],
})
export class LicenseRedisModule extends ConfigurableLicenseRedisModule {
  /** Checks the options at once (forRootAsync checks them when its factory has run). */
  static override forRoot(options: typeof LICENSE_REDIS_OPTIONS_TYPE): DynamicModule {
    checkOptions(options);
    return super.forRoot(options);
  }
}
