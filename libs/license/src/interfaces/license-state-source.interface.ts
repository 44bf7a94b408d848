import type { LicenseEnforcement } from './license-options.interface.js';
import type { LicenseState } from './license-state.interface.js';

/**
 * Where snapshots come from when the license is not a local key (a satellite's hub). The
 * `LicenseService` orchestrates — serialised re-verification, events, expiry timers, the guard —
 * and a source only produces snapshots.
 */
export interface LicenseStateSource {
  /** Reads the license again now (`reverify()`) and returns the next snapshot. Never throws. */
  refresh(enforcement: LicenseEnforcement): Promise<LicenseState>;
  /** The snapshot of what the source holds now, without reading again. */
  current(enforcement: LicenseEnforcement): LicenseState;
  /** Starts background work (bootstrap); `changed` is called when the source read a new answer by itself. */
  start(changed: () => void): void;
  /** Stops it (shutdown). Idempotent. */
  stop(): void;
  /**
   * The clock expiry is judged by (a hub's clock, from its `Date` header). Default: the local
   * wall clock.
   */
  now?(): Date;
}
