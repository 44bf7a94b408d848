import { Inject, Injectable } from '@nestjs/common';
import { LicenseService } from '../license.service.js';
import { SEAT_COUNTER, type SeatClaim, type SeatCounter, type SeatLock } from './seat-counter.interface.js';
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
    await this.checkSeatFree(countInTx);
    return action();
  }

  /**
   * The easy way to keep the seat rule when several processes share the users: runs `work` in
   * the host's seat transaction (`lock.run`) and hands it a `claim()` that throws
   * `SeatLimitReachedException` (402) when no seat is free, counted in that transaction.
   *
   * The rule: every write that changes `enabled` runs here — creating an enabled
   * user, enabling (read the user in `tx`; claim only when it is disabled), disabling (so no
   * enable can read it before and write after) — and writes only `enabled` and the fields it was
   * given. Edits of other fields (name, permissions) write only those columns and need no lock:
   * a read-modify-write of the whole row would put back an `enabled` that a disable just changed.
   *
   * ```ts fragment
   * return seats.underSeatLock(seatLock, async (tx, seat) => {
   *   const user = await findUser(tx, id);
   *   if (dto.enabled && !user.enabled) await seat.claim();
   *   await tx.updateTable('users').set({ enabled: dto.enabled ? 1 : 0 }).where('id', '=', id).execute();
   * });
   * ```
   */
  underSeatLock<Tx, T>(lock: SeatLock<Tx>, work: (tx: Tx, seat: SeatClaim) => Promise<T>): Promise<T> {
    return lock.run((tx) => work(tx, { claim: () => this.checkSeatFree(() => lock.enabledUsers(tx)) }));
  }

  private async checkSeatFree(count: () => number | Promise<number>): Promise<void> {
    const max = this.license.state.entitlements.maxUsers;
    if (max === undefined) return;
    const used = await count();
    if (used >= max) throw new SeatLimitReachedException(used, max);
  }

  /** Enabled users now and the cap (`null`: no cap). */
  async usage(): Promise<{ count: number; max: number | null }> {
    return { count: await this.counter.enabledUsers(), max: this.license.state.entitlements.maxUsers ?? null };
  }
}
