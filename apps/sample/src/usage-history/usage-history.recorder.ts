import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AiUsageLimiter, printable, utcDay } from '@liberty/license';
import { isDatabaseUnavailable } from '../database/database-availability.js';
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
      try {
        const [peakUsers, aiMessages] = await Promise.all([this.users.enabledUsers(), this.aiUsage.usedToday(now)]);
        await this.store.record({ day: utcDay(now), peakUsers, aiMessages });
      } catch (error) {
        if (isDatabaseUnavailable(error)) return; // the outage is logged once, by the database
        this.logger.warn(`usage history: sample not recorded ("${printable((error as Error)?.message ?? String(error), 200)}")`);
      }
    });
    return this.queue;
  }
}
