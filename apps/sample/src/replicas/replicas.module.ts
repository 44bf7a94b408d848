import { hostname } from 'node:os';
import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LicenseService, printable, replicaPresenceOf, type ReplicaPresence } from '@liberty/license';
// Types only: `@liberty/license/redis` and `redis` are loaded when REDIS_URL is set, never otherwise.
import type { RedisConnections, RedisLicenseBus } from '@liberty/license/redis';

/** The Redis connections (`null` without `REDIS_URL`). */
export const REDIS_CONNECTIONS = Symbol('sample.redis-connections');
/** This replica's name: `LIBERTY_REPLICA_ID`, default host name + pid. */
export const REPLICA_ID = Symbol('sample.replica-id');
/** `RedisLicenseBus` when `REDIS_URL` is set, else `null`. */
export const LICENSE_BUS = Symbol('sample.license-bus');
/** The install's name in Redis keys. */
export const REDIS_INSTALL = 'liberty-sample';

/** REDIS_URL set but Redis support cannot start (e.g. `redis` not installed): one line at startup. */
export class RedisSetupError extends Error {
  override readonly name = 'RedisSetupError';
}

/** How long a start waits for Redis: the process exits well within 10 s when it cannot be reached. */
const REDIS_STARTUP_DEADLINE_MS = 6_000;

async function readyWithin(client: { readonly isReady: boolean }, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!client.isReady) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** host:port of a Redis URL, without credentials (for the startup line). */
function redisWhere(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 6379}`;
  } catch {
    return 'REDIS_URL is not a valid URL';
  }
}

/** GET /api/license's `replicas`: the bus's list, or this process alone. */
@Injectable()
export class ReplicaDirectory {
  constructor(
    private readonly license: LicenseService,
    @Inject(REPLICA_ID) private readonly replicaId: string,
    @Inject(LICENSE_BUS) private readonly bus: RedisLicenseBus | null,
  ) {}

  list(): Promise<ReplicaPresence[]> {
    return this.bus ? this.bus.replicas() : Promise.resolve([replicaPresenceOf(this.license, this.replicaId)]);
  }
}

/** Closes the Redis connections last (after the bus has removed this replica from the list). */
@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CONNECTIONS) private readonly connections: RedisConnections | null) {}
  async onApplicationShutdown(): Promise<void> {
    await this.connections?.close();
  }
}

/**
 * What replicas share beyond the database: with `REDIS_URL`, the AI usage counter
 * (`RedisUsageStore`, see AiModule) and the license bus (`RedisLicenseBus`); without it the app
 * runs alone, exactly as before, and never loads `redis`.
 */
@Global()
@Module({
  providers: [
    {
      provide: REPLICA_ID,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => config.get<string>('LIBERTY_REPLICA_ID')?.trim() || `${hostname()}-${process.pid}`,
    },
    {
      provide: REDIS_CONNECTIONS,
      inject: [ConfigService],
      useFactory: async (config: ConfigService): Promise<RedisConnections | null> => {
        const url = config.get<string>('REDIS_URL')?.trim();
        if (!url) return null;
        const { connectRedis } = await import('@liberty/license/redis');
        const logger = new Logger('liberty.sample');
        let reported = false;
        let starting = true;
        let lastError = '';
        const connections = await connectRedis(url, (error) => {
          lastError = printable(error.message || error.name, 200);
          // node-redis reports every failed reconnect; one line per outage is enough (none while
          // starting: a start that cannot reach Redis says so in its own one line).
          if (!reported && !starting) logger.warn(`Redis unavailable: "${lastError}"`);
          reported = true;
        }).catch((error: unknown) => {
          throw new RedisSetupError(error instanceof Error ? error.message : String(error));
        });
        const { client } = connections as unknown as { client: { on(event: string, listener: () => void): void } };
        client.on('ready', () => {
          if (reported && !starting) logger.log('Redis available again');
          reported = false;
        });
        // Unreachable at startup: exit (one line) and let the orchestrator restart us, rather than
        // serve a replica that shares nothing; at run time an outage is ridden out (503s, retries).
        if (!(await readyWithin(connections.client, REDIS_STARTUP_DEADLINE_MS))) {
          await connections.close();
          throw new RedisSetupError(
            `Cannot reach Redis (${redisWhere(url)}) within ${REDIS_STARTUP_DEADLINE_MS / 1000} s` + (lastError ? `: ${lastError}` : ''),
          );
        }
        starting = false;
        reported = false;
        logger.log('Redis: shared AI usage counter and license bus on');
        return connections;
      },
    },
    {
      provide: LICENSE_BUS,
      inject: [LicenseService, REDIS_CONNECTIONS, REPLICA_ID, ConfigService],
      useFactory: async (license: LicenseService, connections: RedisConnections | null, replicaId: string, config: ConfigService) => {
        if (!connections) return null;
        const { RedisLicenseBus } = await import('@liberty/license/redis');
        const intervalMs = Number(config.get<string>('LIBERTY_BUS_INTERVAL_MS') ?? 5_000);
        return new RedisLicenseBus(license, {
          client: connections.client,
          subscriber: connections.subscriber,
          replicaId,
          install: REDIS_INSTALL,
          intervalMs: Number.isFinite(intervalMs) && intervalMs >= 100 ? intervalMs : 5_000,
        });
      },
    },
    ReplicaDirectory,
    RedisCloser,
  ],
  exports: [REPLICA_ID, REDIS_CONNECTIONS, LICENSE_BUS, ReplicaDirectory],
})
export class ReplicasModule {}
