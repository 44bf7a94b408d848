import { Inject, Injectable } from '@nestjs/common';
import { LicenseService } from '../license.service.js';
import { SEAT_COUNTER, type SeatCounter } from './seat-counter.interface.js';
import { SeatLimitReachedException } from './seat-limit-reached.exception.js';

/**
 * Guards seat-consuming actions (creating or enabling a user) against the license's user cap
 * (`features.users.max` / `seats`). The host adds it to its own module, next to its counter:
 *
 * ```ts
 * providers: [UsersService, SeatLimiter, { provide: SEAT_COUNTER, useExisting: UsersService }]
 * ```
 *
 * `claimSeat()` runs actions one at a time (a promise chain), so the count read before an action
 * is still true when it runs and concurrent requests in this process never oversubscribe. When
 * several processes share the users (replicas on one database), use `claimSeatWithin()` inside
 * the host's own transaction instead: only the database can serialise across processes.
 * A key with no cap means no limit.
 * Seats are enforced in `soft` mode too (as ai.doo does); users beyond a lowered cap stay enabled.
 */
@Injectable()
export class SeatLimiter {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly license: LicenseService,
    @Inject(SEAT_COUNTER) private readonly counter: SeatCounter,
  ) {}

  /**
   * Runs `action` if a seat is free, else throws `SeatLimitReachedException` (402) without
   * running it. The action must consume the seat before it resolves (e.g. store the new user).
   */
  claimSeat<T>(action: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const max = this.license.state.entitlements.maxUsers;
      if (max !== undefined) {
        const count = await this.counter.enabledUsers();
        if (count >= max) throw new SeatLimitReachedException(count, max);
      }
      return action();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The form for users kept in a database shared by several processes. Call it inside the host's
   * transaction that serialises seat changes (SQLite `BEGIN IMMEDIATE`, PostgreSQL
   * `pg_advisory_xact_lock` or SERIALIZABLE with retry): `countInTx` counts the enabled users in
   * that transaction and `action` writes the user in it, so the check and the write commit together.
   * Throws `SeatLimitReachedException` (402) without running `action` when no seat is free.
   * The registered `SEAT_COUNTER` is not used here (it still serves `usage()`).
   *
   * ```ts fragment
   * return db.transaction(async (tx) => {
   *   await lockSeats(tx);
   *   return seats.claimSeatWithin(() => countEnabledUsers(tx), () => insertUser(tx, dto));
   * });
   * ```
   */
  async claimSeatWithin<T>(countInTx: () => number | Promise<number>, action: () => T | Promise<T>): Promise<T> {
    const max = this.license.state.entitlements.maxUsers;
    if (max !== undefined) {
      const count = await countInTx();
      if (count >= max) throw new SeatLimitReachedException(count, max);
    }
    return action();
  }

  /** Enabled users now and the cap (`null`: no cap). */
  async usage(): Promise<{ count: number; max: number | null }> {
    return { count: await this.counter.enabledUsers(), max: this.license.state.entitlements.maxUsers ?? null };
  }
}
