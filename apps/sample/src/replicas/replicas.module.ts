import { Injectable, Module, Optional, type DynamicModule } from '@nestjs/common';
import { LicenseService } from '@liberty/license';
import { printable } from '@liberty/license/verify';
import { replicaPresenceOf, type ReplicaPresence } from '@liberty/license/status';
// `@liberty/license/redis` loads `redis` only when it connects, i.e. only with REDIS_URL.
import { defaultReplicaId, LicenseRedisModule, RedisLicenseBus } from '@liberty/license/redis';

/** The install's name in Redis keys. */
export const REDIS_INSTALL = 'liberty-sample';

/** REDIS_URL set but Redis support cannot start (e.g. `redis` not installed): one line at startup. */
export class RedisSetupError extends Error {
  override readonly name = 'RedisSetupError';
}

/**
 * How this replica knows the others: `off` without `REDIS_URL` (it runs alone), `connected`, or
 * `unavailable` (Redis set but not answering: the others are unknown, not gone).
 */
export type ReplicaBusStatus = 'off' | 'connected' | 'unavailable';

/** GET /api/license's `replicas` and `replicaBus`: the bus's list, or this process alone. */
@Injectable()
export class ReplicaDirectory {
  /** Without Redis, this process's name on the list. */
  private readonly aloneId = process.env.LIBERTY_REPLICA_ID?.trim() || defaultReplicaId();

  constructor(
    private readonly license: LicenseService,
    @Optional() private readonly bus?: RedisLicenseBus,
  ) {}

  async list(): Promise<{ replicas: ReplicaPresence[]; replicaBus: ReplicaBusStatus }> {
    if (!this.bus) return { replicas: [replicaPresenceOf(this.license, this.aloneId)], replicaBus: 'off' };
    const { replicas, redis } = await this.bus.replicaList();
    return { replicas, replicaBus: redis };
  }
}

/**
 * With `REDIS_URL`, what replicas share beyond the database: `LicenseRedisModule` (the AI usage
 * counter, see AiModule, and the license bus), which opens its connections and closes them at
 * shutdown. `LIBERTY_REPLICA_ID` names this replica (default: host, pid and a random suffix);
 * `LIBERTY_BUS_INTERVAL_MS` sets the bus's catch-up interval. Without `REDIS_URL` the app runs
 * alone, exactly as before, and never loads `redis`.
 */
@Module({})
export class ReplicasModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    const url = env.REDIS_URL?.trim();
    return {
      module: ReplicasModule,
      global: true,
      imports: url ? [redisModule(url, env)] : [],
      providers: [ReplicaDirectory],
      exports: [ReplicaDirectory],
    };
  }
}

async function redisModule(url: string, env: NodeJS.ProcessEnv): Promise<DynamicModule> {
  // Checked here so that a missing package is one line at startup, not a stack trace.
  await import('redis').catch(() => {
    throw new RedisSetupError(
      'REDIS_URL is set but the "redis" package (node-redis 5 or 6) is not installed: npm install redis',
    );
  });
  await assertRedisReachable(url);
  const replicaId = env.LIBERTY_REPLICA_ID?.trim();
  const intervalMs = Number(env.LIBERTY_BUS_INTERVAL_MS ?? 5_000);
  try {
    return LicenseRedisModule.forRoot({
      url,
      install: REDIS_INSTALL,
      ...(replicaId ? { replicaId } : {}),
      intervalMs: Number.isFinite(intervalMs) && intervalMs >= 100 ? intervalMs : 5_000,
    });
  } catch (error) {
    throw new RedisSetupError(
      `REDIS_URL / LIBERTY_REPLICA_ID: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** How long a start waits for Redis: the process exits well within 10 s when it cannot be reached. */
const REDIS_STARTUP_DEADLINE_MS = 6_000;

/**
 * Redis unreachable at startup: one line and exit 1 (the orchestrator restarts the process) rather
 * than a replica that shares nothing with the others; at run time an outage is ridden out (503s,
 * the bus catches up). A short-lived connection of its own, PING, closed again.
 */
async function assertRedisReachable(url: string): Promise<void> {
  const { createClient } = await import('redis');
  let lastError = '';
  const client = createClient({ url, socket: { connectTimeout: 5_000, reconnectStrategy: () => 200 } });
  client.on('error', (error: Error) => (lastError = printable(error.message || error.name, 200)));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), REDIS_STARTUP_DEADLINE_MS);
      }),
    ]);
  } catch {
    throw new RedisSetupError(
      `Cannot reach Redis (${redisWhere(url)}) within ${REDIS_STARTUP_DEADLINE_MS / 1000} s` +
        (lastError ? `: ${lastError}` : ''),
    );
  } finally {
    clearTimeout(timer);
    try {
      client.destroy();
    } catch {
      // already closed
    }
  }
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
