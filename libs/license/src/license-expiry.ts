import type { LicenseState } from './license-state.js';

const DAY_MS = 86_400_000;
/**
 * Longest single timer. setTimeout clamps delays over 2^31-1 ms (24.8 days) to 1 ms, so a
 * year-long key is watched in steps; an hourly step also catches wall-clock jumps promptly.
 */
export const MAX_TIMER_STEP_MS = 3_600_000;

/** Whole days left until `expiresAt`, rounded up. */
export function daysLeft(expiresAt: Date, now: Date): number {
  return Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS);
}

/**
 * The smallest warning threshold already crossed and not yet announced for this key, or
 * `undefined`. Thresholds are sorted high to low (30, 7).
 */
export function crossedThreshold(
  state: LicenseState,
  thresholds: readonly number[],
  announced: ReadonlySet<number>,
  now: Date,
): number | undefined {
  if (state.status !== 'accepted' || !state.expiresAt) return undefined;
  const msLeft = state.expiresAt.getTime() - now.getTime();
  let crossed: number | undefined;
  for (const days of thresholds) if (msLeft <= days * DAY_MS) crossed = days;
  return crossed !== undefined && !announced.has(crossed) ? crossed : undefined;
}

/** When to look again: the next threshold or `exp`, at most `MAX_TIMER_STEP_MS` away. */
export function nextCheckDelay(
  state: LicenseState,
  thresholds: readonly number[],
  announced: ReadonlySet<number>,
  now: Date,
): number | undefined {
  if (state.status !== 'accepted' || !state.expiresAt) return undefined;
  const exp = state.expiresAt.getTime();
  const moments = [exp, ...thresholds.filter((d) => !announced.has(d)).map((d) => exp - d * DAY_MS)];
  const upcoming = moments.map((t) => t - now.getTime()).filter((ms) => ms > 0);
  const delay = upcoming.length > 0 ? Math.min(...upcoming) : 0;
  return Math.min(Math.max(delay, 0), MAX_TIMER_STEP_MS);
}
