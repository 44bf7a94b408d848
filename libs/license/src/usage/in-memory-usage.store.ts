import type { UsageStore } from './usage-store.interface.js';

/** The default `UsageStore`: one process, counts of the latest day only (older days are dropped). */
export class InMemoryUsageStore implements UsageStore {
  private readonly counts = new Map<string, number>();

  increment(day: string, by: number): number {
    if (!this.counts.has(day)) {
      for (const known of this.counts.keys()) if (known < day) this.counts.delete(known);
    }
    const next = Math.max(0, (this.counts.get(day) ?? 0) + by);
    this.counts.set(day, next);
    return next;
  }

  get(day: string): number {
    return this.counts.get(day) ?? 0;
  }
}
