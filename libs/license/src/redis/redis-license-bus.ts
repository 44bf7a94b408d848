import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { LICENSE_LOGGER_CONTEXT } from '../license.constants.js';
import { printable } from '../verification/rejection-reasons.js';
import type { LicenseOperation, LicenseService } from '../license.service.js';
import { replicaPresenceOf, type ReplicaPresence } from '../state/replica-presence.util.js';
import {
  checkInstall,
  command,
  redisKey,
  RedisScript,
  type RedisCommandClient,
  type RedisSubscriberClient,
} from './redis-client.js';

export interface RedisLicenseBusOptions {
  /** Commands and PUBLISH. */
  readonly client: RedisCommandClient;
  /** A dedicated connection for SUBSCRIBE (a connection in subscriber mode runs nothing else). */
  readonly subscriber: RedisSubscriberClient;
  /** This replica's name, unique in the install (e.g. host name + pid). */
  readonly replicaId: string;
  /** Names the install in keys and channel; default `default`. */
  readonly install?: string;
  /** How often the generation is re-checked and presence refreshed. Default 5000 ms. */
  readonly intervalMs?: number;
  /** A replica not seen for this long drops out of `replicas()`. Default 30 s. */
  readonly presenceTtlSeconds?: number;
  /** Per Redis call. Default 2000 ms. */
  readonly timeoutMs?: number;
}

/** `origin` of the re-verifications the bus runs for other replicas (never announced again). */
export const LICENSE_BUS_ORIGIN = 'liberty.redis-bus';

interface BusMessage {
  from: string;
  generation: number;
  type: LicenseOperation['type'];
}

// KEYS: presence hash, last-seen sorted set. ARGV: id, json, now ms, ttl ms.
// Writes this replica's entry and drops the entries not seen within the ttl; one atomic step.
const HEARTBEAT = new RedisScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local cutoff = tonumber(ARGV[3]) - tonumber(ARGV[4])
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', cutoff)
for _, id in ipairs(gone) do redis.call('HDEL', KEYS[1], id) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', cutoff)
local keep = math.ceil(tonumber(ARGV[4]) / 1000) * 10
redis.call('EXPIRE', KEYS[1], keep)
redis.call('EXPIRE', KEYS[2], keep)
return #gone
`);

/**
 * Keeps the replicas of one install on the same license. A state-changing call on any replica
 * (`reverify`, `reconfigure`, `activate`, `deactivate`, heard on `LicenseService.operations$`)
 * bumps a generation counter in Redis and is published; every other replica re-verifies (its own
 * messages are ignored). A replica that missed a message (Redis down, subscriber reconnecting)
 * catches up by re-reading the generation on reconnect and every `intervalMs`; a call made while
 * Redis was down is published once Redis is back. Each replica also reports its presence
 * (`ReplicaPresence`, with an expiry) for `replicas()`.
 *
 * Losing Redis never changes the license a replica runs: it keeps serving with its state.
 */
export class RedisLicenseBus implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LICENSE_LOGGER_CONTEXT);
  private readonly install: string;
  private readonly channel: string;
  private readonly generationKey: string;
  private readonly presenceKeys: [string, string];
  private readonly intervalMs: number;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private seen = 0;
  /** A local call whose publication failed (Redis down): published when Redis is back. */
  private pending?: LicenseOperation['type'];
  private timer?: NodeJS.Timeout;
  private subscriptions: Subscription[] = [];
  private ticking?: Promise<void>;
  private down = false;
  private started = false;

  constructor(
    private readonly license: LicenseService,
    private readonly options: RedisLicenseBusOptions,
  ) {
    this.install = checkInstall(options.install ?? 'default');
    this.channel = redisKey(this.install, 'license', 'changes');
    this.generationKey = redisKey(this.install, 'license', 'generation');
    this.presenceKeys = [redisKey(this.install, 'replicas', 'info'), redisKey(this.install, 'replicas', 'seen')];
    this.intervalMs = options.intervalMs ?? 5_000;
    this.ttlMs = (options.presenceTtlSeconds ?? 30) * 1000;
    this.timeoutMs = options.timeoutMs ?? 2_000;
  }

  get replicaId(): string {
    return this.options.replicaId;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Subscribes, reads the generation and reports this replica. Redis down: keeps trying on the timer. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.subscriptions.push(
      this.license.operations$.subscribe((operation) => {
        if (operation.origin !== LICENSE_BUS_ORIGIN) void this.publish(operation.type);
      }),
      this.license.state$.subscribe(() => void this.heartbeat().catch(() => undefined)),
    );
    this.options.subscriber.on('ready', this.onReconnect);
    // Not awaited: with Redis down at startup it completes once connected.
    void this.options.subscriber.subscribe(this.channel, this.onMessage).catch((error) => this.warn('subscribe', error));
    try {
      this.seen = Number((await command<string | null>(this.options.client, ['GET', this.generationKey], this.timeoutMs)) ?? 0);
    } catch (error) {
      this.warn('read the generation', error);
    }
    this.schedule();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    clearTimeout(this.timer);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions = [];
    this.options.subscriber.off('ready', this.onReconnect);
    await this.options.subscriber.unsubscribe(this.channel).catch(() => undefined);
    await this.ticking?.catch(() => undefined);
    // Leave the list at once instead of after the ttl.
    await command(this.options.client, ['HDEL', this.presenceKeys[0], this.replicaId], this.timeoutMs).catch(() => undefined);
    await command(this.options.client, ['ZREM', this.presenceKeys[1], this.replicaId], this.timeoutMs).catch(() => undefined);
  }

  /** This replica now. */
  self(): ReplicaPresence {
    return replicaPresenceOf(this.license, this.replicaId);
  }

  /**
   * Every replica seen within the ttl, this one first, then by id. With Redis unreachable: this
   * replica alone (the others are unknown, not gone).
   */
  async replicas(): Promise<ReplicaPresence[]> {
    const self = this.self();
    try {
      const cutoff = Date.now() - this.ttlMs;
      const ids = await command<string[]>(this.options.client, ['ZRANGEBYSCORE', this.presenceKeys[1], String(cutoff), '+inf'], this.timeoutMs);
      const others = ids.filter((id) => id !== self.id).sort();
      if (others.length === 0) return [self];
      const values = await command<Array<string | null>>(this.options.client, ['HMGET', this.presenceKeys[0], ...others], this.timeoutMs);
      const parsed = values.flatMap((value) => {
        const presence = parsePresence(value);
        return presence ? [presence] : [];
      });
      return [self, ...parsed];
    } catch {
      return [self];
    }
  }

  private readonly onMessage = (raw: string): void => {
    const message = parseMessage(raw);
    if (!message || message.from === this.replicaId) return;
    this.seen = Math.max(this.seen, message.generation);
    // Re-verify even when the generation is not newer: two replicas may have bumped it at once.
    void this.reverify(`${message.type} on replica "${printable(message.from, 64)}"`);
  };

  private readonly onReconnect = (): void => {
    void this.tick();
  };

  private async publish(type: LicenseOperation['type']): Promise<void> {
    try {
      const generation = Number(await command<number>(this.options.client, ['INCR', this.generationKey], this.timeoutMs));
      this.seen = Math.max(this.seen, generation);
      this.pending = undefined;
      const message: BusMessage = { from: this.replicaId, generation, type };
      await command(this.options.client, ['PUBLISH', this.channel, JSON.stringify(message)], this.timeoutMs);
      this.recovered();
    } catch (error) {
      // The other replicas learn of it once Redis is back: the next tick publishes it.
      this.pending = type;
      this.warn(`announce ${type}`, error);
    }
    await this.heartbeat().catch(() => undefined);
  }

  private schedule(): void {
    if (!this.started) return;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Publish what is pending, catch up on a newer generation, refresh presence. One at a time. */
  private tick(): Promise<void> {
    this.ticking ??= this.runTick().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async runTick(): Promise<void> {
    if (!this.started) return;
    if (this.pending) await this.publish(this.pending);
    try {
      const generation = Number((await command<string | null>(this.options.client, ['GET', this.generationKey], this.timeoutMs)) ?? 0);
      this.recovered();
      if (generation !== this.seen) {
        // Newer: a change this replica missed. Older: Redis lost its data (restarted without
        // persistence), so changes may have been lost with it; re-verify once and adopt it.
        const why = generation > this.seen ? 'a missed change (generation caught up)' : 'Redis lost the generation counter';
        this.seen = generation;
        await this.reverify(why);
      }
      await this.heartbeat();
    } catch (error) {
      this.warn('check the license generation', error);
    }
  }

  private async reverify(why: string): Promise<void> {
    try {
      await this.license.reverify({ origin: LICENSE_BUS_ORIGIN });
      this.logger.log(`license re-verified — after ${why}`);
    } catch (error) {
      this.warn('re-verify', error);
    }
  }

  private async heartbeat(): Promise<void> {
    if (!this.started) return;
    const self = this.self();
    await HEARTBEAT.run(
      this.options.client,
      this.presenceKeys,
      [self.id, JSON.stringify(self), String(Date.now()), String(this.ttlMs)],
      this.timeoutMs,
    );
  }

  /** One warning per outage, not one per tick. */
  private warn(what: string, error: unknown): void {
    if (this.down) return;
    this.down = true;
    const why = error instanceof Error ? error.message : String(error);
    this.logger.warn(`license bus: cannot ${what} ("${printable(why, 200)}"); serving with the current license, retrying`);
  }

  private recovered(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.log('license bus: Redis reachable again');
  }
}

const OPERATIONS = new Set(['reverify', 'reconfigure', 'activate', 'deactivate']);

function parseMessage(raw: string): BusMessage | undefined {
  try {
    const value = JSON.parse(raw) as Partial<BusMessage>;
    if (typeof value.from !== 'string' || !Number.isSafeInteger(value.generation) || !OPERATIONS.has(value.type as string)) return undefined;
    return value as BusMessage;
  } catch {
    return undefined;
  }
}

function parsePresence(raw: string | null): ReplicaPresence | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Record<string, unknown>;
    const fields = ['id', 'status', 'keyFingerprint', 'verifiedAt', 'lastSeenAt'] as const;
    if (!fields.every((field) => typeof value[field] === 'string')) return undefined;
    return Object.fromEntries(fields.map((field) => [field, value[field]])) as unknown as ReplicaPresence;
  } catch {
    return undefined;
  }
}
