import { randomBytes } from 'node:crypto';
import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { LICENSE_LOGGER_CONTEXT } from '../license.constants.js';
import { printable } from '../verification/rejection-reasons.util.js';
import {
  LICENSE_FILE_ORIGIN,
  LICENSE_SHARED_ORIGIN,
  type LicenseOperation,
  type LicenseService,
} from '../license.service.js';
import type { ReplicaPresence } from '../state/replica-presence.util.js';
import { checkTopic, OPERATIONS, parseMessage, type BusMessage } from './bus-message.parser.js';
import { CoalescedRun } from './coalesced-run.queue.js';
import {
  checkInstall,
  checkReplicaId,
  command,
  defaultReplicaId,
  redisKey,
  type RedisCommandClient,
  type RedisSubscriberClient,
} from './redis.client.js';
import { RedisReplicaPresence, type ReplicaList } from './redis-replica.presence.js';

export interface RedisLicenseBusOptions {
  /** Commands and PUBLISH. */
  readonly client: RedisCommandClient;
  /** A dedicated connection for SUBSCRIBE (a connection in subscriber mode runs nothing else). */
  readonly subscriber: RedisSubscriberClient;
  /**
   * This replica's name on the Replicas list, unique in the install: a non-empty string of at most
   * 128 characters. Default: host name, pid and a random suffix (`defaultReplicaId()`), unique
   * per process.
   */
  readonly replicaId?: string;
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

type LicenseOperationType = LicenseOperation['type'];
/** The connections come up in the background: "not connected" this early is not an outage yet. */
const FIRST_CONNECT_MS = 5_000;
/**
 * Keeps the replicas of one install on the same license. A state-changing call on any replica
 * (`reverify`, `reconfigure`, `activate`, `deactivate`, heard on `LicenseService.operations$`)
 * bumps a generation counter in Redis and is published; every other replica re-verifies. A replica
 * that missed a message (Redis down, subscriber reconnecting) catches up by re-reading the
 * generation on reconnect and every `intervalMs`; a call made while Redis was down is published
 * once Redis is back. A re-verify caused by a watched key file (`LICENSE_FILE_ORIGIN`) is not
 * published: every replica watches its own file, so a rotation costs one re-verify per replica.
 *
 * Whatever arrives on the channel, re-verifications for other replicas are coalesced (one running,
 * one queued): a flood of messages costs two re-verifications, never a queue in front of a real
 * one. Messages are read strictly (size, shape); anything else is dropped.
 *
 * Presence (who the replicas are, which key each runs) is `RedisReplicaPresence`; the bus beats it
 * on every state change and every interval. Hosts can send their own notifications over the same
 * channel with `notify(topic)` / `onNotification(topic, listener)`.
 *
 * Losing Redis never changes the license a replica runs: it keeps serving with its state.
 */
export class RedisLicenseBus implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LICENSE_LOGGER_CONTEXT);
  /** Random per bus (so per process): tells this process's messages and presence from another's. */
  private readonly instance = randomBytes(8).toString('hex');
  readonly replicaId: string;
  private readonly install: string;
  private readonly channel: string;
  private readonly generationKey: string;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  /** Who the replicas are (the presence half of the bus). */
  readonly presence: RedisReplicaPresence;
  private seen = 0;
  /** A local call whose publication failed (Redis down): published when Redis is back. */
  private pending?: LicenseOperationType;
  /** Re-verifications on other replicas' behalf: one running, one queued. */
  private readonly reverifications: CoalescedRun;
  /** Why the queued re-verification runs (the latest reason wins; logged once it ran). */
  private reverifyReason = '';
  private readonly topics = new Map<
    string,
    { run: CoalescedRun; listeners: Set<(from: string) => unknown>; from: string }
  >();
  private timer?: NodeJS.Timeout;
  private subscriptions: Subscription[] = [];
  /** One tick at a time; a "ready" during a tick that already failed queues one more. */
  private readonly ticks = new CoalescedRun(() => this.runTick());
  private down = false;
  private started = false;
  private startedAt = 0;
  /** Whether Redis has answered since `start()` (before that, "not connected" is only "not yet"). */
  private reachedOnce = false;

  constructor(
    private readonly license: LicenseService,
    private readonly options: RedisLicenseBusOptions,
  ) {
    this.replicaId = options.replicaId === undefined ? defaultReplicaId() : checkReplicaId(options.replicaId);
    this.install = checkInstall(options.install ?? 'default');
    this.channel = redisKey(this.install, 'license', 'changes');
    this.generationKey = redisKey(this.install, 'license', 'generation');
    this.intervalMs = options.intervalMs ?? 5_000;
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.presence = new RedisReplicaPresence(license, {
      client: options.client,
      replicaId: this.replicaId,
      instance: this.instance,
      install: this.install,
      ttlMs: (options.presenceTtlSeconds ?? 30) * 1000,
      timeoutMs: this.timeoutMs,
    });
    this.reverifications = new CoalescedRun(() => this.runReverify());
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
    this.startedAt = Date.now();
    this.subscriptions.push(
      this.license.operations$.subscribe((operation) => {
        if (![LICENSE_BUS_ORIGIN, LICENSE_FILE_ORIGIN, LICENSE_SHARED_ORIGIN].includes(operation.origin))
          void this.publish(operation.type);
      }),
      this.license.state$.subscribe(() => void this.beat()),
    );
    // Either connection may come up (or back) last: the one ready second is when a tick can work.
    this.options.subscriber.on('ready', this.onReconnect);
    this.options.client.on?.('ready', this.onReconnect);
    // Not awaited: with Redis down at startup it completes once connected.
    void this.options.subscriber
      .subscribe(this.channel, this.onMessage)
      .catch((error) => this.warn('subscribe', error));
    // Still connecting (the module connects in the background): the first tick, or the subscriber's
    // "ready", reads it; warning now would only say that Redis is not connected *yet*.
    if (this.options.client.isReady) {
      try {
        this.seen = Number(
          (await command<string | null>(this.options.client, ['GET', this.generationKey], this.timeoutMs)) ?? 0,
        );
      } catch (error) {
        this.warn('read the generation', error);
      }
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
    this.options.client.off?.('ready', this.onReconnect);
    // The subscriber queues commands while disconnected: with Redis down an UNSUBSCRIBE would wait
    // forever (and app.close() with it). Its connection is closed right after anyway.
    if (this.options.subscriber.isReady)
      await withTimeout(this.options.subscriber.unsubscribe(this.channel), this.timeoutMs);
    await this.ticks.idle();
    await this.reverifications.idle();
    // Leave the list at once instead of after the ttl.
    await this.presence.leave();
  }

  /** This replica now. */
  self(): ReplicaPresence {
    return this.presence.self();
  }

  /**
   * Every replica seen within the ttl, this one first, then by id. With Redis unreachable: this
   * replica alone (the others are unknown, not gone; `replicaList()` tells the two apart).
   */
  async replicas(): Promise<ReplicaPresence[]> {
    return (await this.presence.list()).replicas;
  }

  /** `replicas()` and whether Redis answered. */
  replicaList(): Promise<ReplicaList> {
    return this.presence.list();
  }

  /**
   * Tells every other replica that `topic` happened (e.g. `settings.changed`); their
   * `onNotification(topic)` listeners run. Best effort: a replica that was not subscribed at that
   * moment misses it, so pair it with a poll of the shared state. Throws when Redis is unavailable.
   */
  async notify(topic: string): Promise<void> {
    checkTopic(topic);
    const message: BusMessage = { from: this.replicaId, instance: this.instance, generation: 0, type: topic };
    await command(this.options.client, ['PUBLISH', this.channel, JSON.stringify(message)], this.timeoutMs);
  }

  /**
   * Runs `listener` when another replica `notify()`s `topic`. Coalesced like re-verifications: a
   * burst of notifications runs the listeners at most twice. Returns a function that removes it.
   */
  onNotification(topic: string, listener: (from: string) => unknown): () => void {
    checkTopic(topic);
    let entry = this.topics.get(topic);
    if (!entry) {
      const created = {
        listeners: new Set<(from: string) => unknown>(),
        from: '',
        run: new CoalescedRun(async () => {
          for (const each of [...created.listeners]) {
            try {
              await each(created.from);
            } catch (error) {
              this.logger.warn(
                `license bus: a "${topic}" listener failed ("${printable(error instanceof Error ? error.message : String(error), 200)}")`,
              );
            }
          }
        }),
      };
      entry = created;
      this.topics.set(topic, entry);
    }
    entry.listeners.add(listener);
    return () => void entry.listeners.delete(listener);
  }

  private readonly onMessage = (raw: string): void => {
    const message = parseMessage(raw);
    if (!message || message.instance === this.instance) return;
    const from = printable(message.from, 64);
    if (OPERATIONS.has(message.type)) {
      this.seen = Math.max(this.seen, message.generation);
      // Re-verify even when the generation is not newer: two replicas may have bumped it at once.
      void this.reverify(`${message.type} on replica "${from}"`);
      return;
    }
    const topic = this.topics.get(message.type);
    if (!topic) return;
    topic.from = message.from;
    void topic.run.trigger();
  };

  private readonly onReconnect = (): void => {
    void this.tick();
  };

  private async publish(type: LicenseOperationType): Promise<void> {
    try {
      const generation = Number(
        await command<number>(this.options.client, ['INCR', this.generationKey], this.timeoutMs),
      );
      this.seen = Math.max(this.seen, generation);
      this.pending = undefined;
      const message: BusMessage = { from: this.replicaId, instance: this.instance, generation, type };
      await command(this.options.client, ['PUBLISH', this.channel, JSON.stringify(message)], this.timeoutMs);
      this.recovered();
    } catch (error) {
      // The other replicas learn of it once Redis is back: the next tick publishes it.
      this.pending = type;
      this.warn(`announce ${type}`, error);
    }
    await this.beat();
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
    return this.ticks.trigger();
  }

  private async runTick(): Promise<void> {
    if (!this.started) return;
    if (this.pending) await this.publish(this.pending);
    try {
      const generation = Number(
        (await command<string | null>(this.options.client, ['GET', this.generationKey], this.timeoutMs)) ?? 0,
      );
      if (generation !== this.seen) {
        // Newer: a change this replica missed. Older: Redis lost its data (restarted without
        // persistence), so changes may have been lost with it; re-verify once and adopt it.
        const why =
          generation > this.seen ? 'a missed change (generation caught up)' : 'Redis lost the generation counter';
        this.seen = generation;
        await this.reverify(why);
      }
      await this.presence.beat();
      // Only once the whole tick worked: a command Redis refuses (an ACL without TIME, say) must
      // not flap between "cannot" and "reachable again" on every tick.
      this.recovered();
    } catch (error) {
      this.warn('check the license generation', error);
    }
  }

  private reverify(why: string): Promise<void> {
    this.reverifyReason = why;
    return this.reverifications.trigger();
  }

  private async runReverify(): Promise<void> {
    const why = this.reverifyReason;
    try {
      await this.license.reverify({ origin: LICENSE_BUS_ORIGIN });
      this.logger.log(`license re-verified — after ${why}`);
    } catch (error) {
      this.warn('re-verify', error);
    }
  }

  private async beat(): Promise<void> {
    if (!this.started) return;
    await this.presence.beat().catch(() => undefined);
  }

  /** One warning per outage, not one per tick; none while the first connection is still coming up. */
  private warn(what: string, error: unknown): void {
    const connecting =
      !this.reachedOnce && Date.now() - this.startedAt < FIRST_CONNECT_MS && !this.options.client.isReady;
    if (this.down || connecting) return;
    this.down = true;
    const why = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      `license bus: cannot ${what} ("${printable(why, 200)}"); serving with the current license, retrying`,
    );
  }

  private recovered(): void {
    this.reachedOnce = true;
    if (!this.down) return;
    this.down = false;
    this.logger.log('license bus: Redis reachable again');
  }
}

/** `work`, or nothing after `ms` (never rejects). */
async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
