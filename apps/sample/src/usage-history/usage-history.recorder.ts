import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AiUsageLimiter } from '@liberty/license';
import { utcDate } from '@liberty/license/verify';
import { printable } from '@liberty/license/verify';
import { isDatabaseUnavailable } from '../database/database-availability.service.js';
import { UsersService } from '../users/users.service.js';
import { UsageHistoryStore } from './usage-history.store.js';

/** How often the history samples by itself, besides after every user write and AI message. */
export const USAGE_SAMPLE_INTERVAL_MS = 60_000;

/**
 * Records the day's enabled users and AI messages into the history: after each user write and AI
 * message (the interceptor), every minute, and at startup. Samples run one at a time; a failing
 * sample is logged and never fails the request that caused it.
 */
@Injectable()
export class UsageHistoryRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('liberty.sample');
  private queue: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private aiUnavailable = false;

  constructor(
    private readonly store: UsageHistoryStore,
    private readonly users: UsersService,
    private readonly aiUsage: AiUsageLimiter,
  ) {}

  onApplicationBootstrap(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), USAGE_SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.queue;
  }

  /** Takes one sample now (queued behind any sample in flight). Never rejects. */
  sample(now: Date = new Date()): Promise<void> {
    this.queue = this.queue.then(async () => {
      // The two figures come from different stores: the users from the database, the AI count
      // from Redis with REDIS_URL. A Redis outage must not cost the users' peak (issue 18: the
      // whole sample failed and peaks reached during the outage were never recorded).
      const [users, ai] = await Promise.allSettled([this.users.enabledUsers(), this.aiUsage.usedToday(now)]);
      // Once per outage, not once per sample.
      if (ai.status === 'rejected' && !this.aiUnavailable)
        this.warn('AI messages not sampled until the usage store answers', ai.reason);
      this.aiUnavailable = ai.status === 'rejected';
      if (users.status === 'rejected') return this.warn('sample not recorded', users.reason);
      try {
        await this.store.record({
          day: utcDate(now),
          peakUsers: users.value,
          ...(ai.status === 'fulfilled' ? { aiMessages: ai.value } : {}),
        });
      } catch (error) {
        this.warn('sample not recorded', error);
      }
    });
    return this.queue;
  }

  private warn(what: string, error: unknown): void {
    if (isDatabaseUnavailable(error)) return; // a database outage is logged once, by the database
    this.logger.warn(`usage history: ${what} ("${printable((error as Error)?.message ?? String(error), 200)}")`);
  }
}
