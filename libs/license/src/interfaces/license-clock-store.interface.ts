/**
 * Where an app keeps the latest wall-clock time it has seen, so that a clock set back across a
 * restart is caught: at startup the library reads it, and while the
 * wall clock is behind it, keys are judged at that recorded time — a key that expired before it
 * stays expired. The sample app keeps it in its database (every replica shares it).
 */
export interface LicenseClockStore {
  /** The latest time recorded, or `undefined` when none is. Throw when it cannot be read. */
  read(): Promise<Date | undefined>;
  /** Records `at` unless a later time is already recorded. */
  record(at: Date): Promise<void>;
}
