import type { LicenseState } from '../interfaces/license-state.interface.js';
import { isoSeconds, utcDate } from '../verification/rejection-reasons.util.js';

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
  // Past `exp` (a grace period) the "expires in N days" warnings are over.
  if (msLeft <= 0) return undefined;
  let crossed: number | undefined;
  for (const days of thresholds) if (msLeft <= days * DAY_MS) crossed = days;
  return crossed !== undefined && !announced.has(crossed) ? crossed : undefined;
}

/**
 * When to look again: the next threshold, `exp`, or the end of the grace period, at most
 * `MAX_TIMER_STEP_MS` away (long delays are chained, never one long timer).
 */
export function nextCheckDelay(
  state: LicenseState,
  thresholds: readonly number[],
  announced: ReadonlySet<number>,
  now: Date,
): number | undefined {
  if (state.status !== 'accepted' || !state.expiresAt) return undefined;
  const exp = state.expiresAt.getTime();
  const moments = state.grace
    ? [state.grace.endsAt.getTime()]
    : [exp, ...thresholds.filter((d) => !announced.has(d)).map((d) => exp - d * DAY_MS)];
  const upcoming = moments.map((t) => t - now.getTime()).filter((ms) => ms > 0);
  const delay = upcoming.length > 0 ? Math.min(...upcoming) : 0;
  return Math.min(Math.max(delay, 0), MAX_TIMER_STEP_MS);
}

/** The end of the grace period of a key expiring at `expiresAt`. */
export function graceEnd(expiresAt: Date, graceDays: number): Date {
  return new Date(expiresAt.getTime() + graceDays * DAY_MS);
}

/** The state's warning (and log line) while in grace. */
export function graceWarning(expiresAt: Date, endsAt: Date): string {
  return `license expired on ${utcDate(expiresAt)} — grace period until ${isoSeconds(endsAt)}`;
}

export type ExpiryTransition = { kind: 'grace'; endsAt: Date } | { kind: 'expire'; graceEndedAt?: Date };

/**
 * What the expiry timer must do now with an accepted key: nothing (`undefined`), enter the grace
 * period (at `exp`, when `graceDays` > 0), or expire it (at `exp`, or at the end of grace).
 */
export function expiryTransition(state: LicenseState, graceDays: number, now: Date): ExpiryTransition | undefined {
  if (state.status !== 'accepted' || !state.expiresAt || now < state.expiresAt) return undefined;
  const endsAt = state.grace?.endsAt ?? graceEnd(state.expiresAt, graceDays);
  if (now >= endsAt)
    return graceDays > 0 || state.grace ? { kind: 'expire', graceEndedAt: endsAt } : { kind: 'expire' };
  return state.grace ? undefined : { kind: 'grace', endsAt };
}
