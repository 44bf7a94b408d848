import { Inject, Injectable, Optional } from '@nestjs/common';
import { LicenseService } from '../license.service.js';
import { utcDate } from '../verification/rejection-reasons.util.js';
import {
  AiMessageLimitReachedException,
  AiProviderNotLicensedException,
  UsageStoreUnavailableException,
} from './ai-usage.exceptions.js';
import { InMemoryUsageStore } from './in-memory-usage.store.js';
import { USAGE_STORE, type UsageStore } from './usage-store.interface.js';

/** Today's usage after a message was counted. */
export interface AiUsage {
  readonly provider: string;
  readonly usedToday: number;
  /** `features.ai.messagesPerDay`, or `null` when the key sets no cap. */
  readonly limit: number | null;
}

/** The UTC day of `now`, as `YYYY-MM-DD` (the `UsageStore` key). */
export function utcDay(now: Date): string {
  return utcDate(now);
}

/** Whole seconds from `now` to the next 00:00 UTC (at least 1). */
export function secondsUntilUtcMidnight(now: Date): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
}

/**
 * Counts AI messages per UTC day against `features.ai.messagesPerDay` and checks the provider
 * against `features.ai.providers`. The store defaults to `InMemoryUsageStore`; provide another
 * under `USAGE_STORE`.
 *
 * The counter is incremented first and rolled back when it overflows, so concurrent requests never
 * exceed the cap (with any store whose `increment` is atomic). In `soft` mode an unlisted provider
 * is allowed; the daily cap still applies when the key sets one.
 */
@Injectable()
export class AiUsageLimiter {
  private readonly store: UsageStore;

  constructor(
    private readonly license: LicenseService,
    @Optional() @Inject(USAGE_STORE) store?: UsageStore,
  ) {
    this.store = store ?? new InMemoryUsageStore();
  }

  /**
   * Counts one message for `provider`, or throws `AiProviderNotLicensedException` (403) or
   * `AiMessageLimitReachedException` (429, nothing counted).
   */
  async consume(provider: string, now: Date = new Date()): Promise<AiUsage> {
    const { entitlements, enforcement } = this.license.state;
    if (enforcement !== 'soft' && !entitlements.aiProviders.includes(provider)) {
      throw new AiProviderNotLicensedException(provider, entitlements.aiProviders);
    }
    const limit = entitlements.aiMessagesPerDay;
    const day = utcDay(now);
    if (limit !== undefined && this.store.incrementBelow) {
      const used = await this.reach(() => this.store.incrementBelow!(day, limit));
      if (used === null) throw new AiMessageLimitReachedException(limit, secondsUntilUtcMidnight(now));
      return { provider, usedToday: used, limit };
    }
    const used = await this.reach(() => this.store.increment(day, 1));
    if (limit !== undefined && used > limit) {
      await this.reach(() => this.store.increment(day, -1));
      throw new AiMessageLimitReachedException(limit, secondsUntilUtcMidnight(now));
    }
    return { provider, usedToday: used, limit: limit ?? null };
  }

  /** A store call; a store that fails becomes 503 USAGE_STORE_UNAVAILABLE (its error message only). */
  private async reach<T>(call: () => T | Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof UsageStoreUnavailableException) throw error;
      throw new UsageStoreUnavailableException(error instanceof Error ? error.message : 'usage store error');
    }
  }

  /** Messages counted today (UTC). */
  async usedToday(now: Date = new Date()): Promise<number> {
    return this.store.get(utcDay(now));
  }
}
