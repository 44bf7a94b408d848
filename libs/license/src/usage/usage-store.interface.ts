/**
 * Where AI message counts live, per UTC day (`YYYY-MM-DD`). The default keeps them in memory
 * (per process); provide your own under `USAGE_STORE` to share them between instances.
 */
export interface UsageStore {
  /** Adds `by` (negative to roll back) to the count of `day` and returns the new count, atomically. */
  increment(day: string, by: number): Promise<number> | number;
  /** The count of `day` (0 when none). */
  get(day: string): Promise<number> | number;
  /**
   * Optional, for stores shared by several processes: adds 1 to `day` only while the count is
   * below `limit`, atomically, and returns the new count, or `null` (nothing counted) at the cap.
   * `AiUsageLimiter` prefers it to increment-then-roll-back, which needs two round trips and
   * briefly counts a refused message.
   */
  incrementBelow?(day: string, limit: number): Promise<number | null> | number | null;
}

/** DI token of the `UsageStore`. */
export const USAGE_STORE = Symbol('liberty.license.usage-store');
