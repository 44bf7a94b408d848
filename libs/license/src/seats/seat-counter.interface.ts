/**
 * How many enabled users the host has now. The host implements it (usually its users service)
 * and provides it as `{ provide: SEAT_COUNTER, useExisting: UsersService }`. Disabled users must
 * not be counted.
 */
export interface SeatCounter {
  enabledUsers(): number | Promise<number>;
}

/** DI token of the host's `SeatCounter`. */
export const SEAT_COUNTER = Symbol('liberty.license.seat-counter');

/**
 * The host's seat transaction, for `SeatLimiter.underSeatLock()`: `run` executes `work` in ONE
 * transaction of the host's database that holds the install's seat lock (SQLite `BEGIN
 * IMMEDIATE`, PostgreSQL `pg_advisory_xact_lock`), so that a count and the write that depends on
 * it commit together for every process sharing the database; `enabledUsers` counts in that
 * transaction.
 */
export interface SeatLock<Tx> {
  run<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  enabledUsers(tx: Tx): number | Promise<number>;
}

/** Handed to the work of `underSeatLock()`: takes a seat in its transaction, or throws 402. */
export interface SeatClaim {
  claim(): Promise<void>;
}
