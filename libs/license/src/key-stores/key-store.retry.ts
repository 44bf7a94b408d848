import type { Logger } from '@nestjs/common';
import type { LicenseState } from '../interfaces/license-state.interface.js';

/** Backoff of the re-reads while the key store cannot be read: 0.5 s doubling to 5 s, jittered. */
export interface KeyStoreRetryDelays {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const KEY_STORE_RETRY_DELAYS: KeyStoreRetryDelays = { initialMs: 500, maxMs: 5_000 };

/**
 * A key store that cannot be read is an outage, not a deactivation: the service keeps
 * its license, this class says so ONCE in the log, re-reads the store with backoff until it answers,
 * and says once that it answered again. A replica thus recovers by itself, without a Re-verify.
 * The cap keeps the recovery within about 5 s of the store coming back; one small read per replica
 * every 5 s is nothing for the store.
 */
export class KeyStoreRetry {
  private outage?: { since: number; retries: number };
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    /** Re-reads the store (serialised with the other verifications, never announced to replicas). */
    private readonly retry: () => void,
    private readonly delays: KeyStoreRetryDelays = KEY_STORE_RETRY_DELAYS,
  ) {}

  /** Whether the last read failed. */
  get failing(): boolean {
    return this.outage !== undefined;
  }

  /** After each evaluation: `why` is set when the store could not be read; `kept` is the state kept. */
  observe(why: string | undefined, kept: LicenseState): void {
    if (why === undefined) {
      if (this.outage) {
        const seconds = ((Date.now() - this.outage.since) / 1000).toFixed(1);
        this.logger.log(`license key store readable again after ${seconds} s (${this.outage.retries} retries)`);
      }
      this.outage = undefined;
      this.clear();
      return;
    }
    if (!this.outage) {
      this.outage = { since: Date.now(), retries: 0 };
      this.logger.warn(
        `license key store unreadable — ${why}; keeping the current license (${kept.status}) and retrying with backoff`,
      );
    }
    this.schedule();
  }

  /** Shutdown. */
  stop(): void {
    this.clear();
    this.outage = undefined;
  }

  private schedule(): void {
    if (this.timer || !this.outage) return;
    const ceiling = Math.min(this.delays.maxMs, this.delays.initialMs * 2 ** Math.min(this.outage.retries, 20));
    // Jittered (half to full): replicas that lost the store together do not all come back at once.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.outage) this.outage.retries++;
      this.retry();
    }, delay);
    this.timer.unref();
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
