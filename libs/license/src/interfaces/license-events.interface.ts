import type { LicenseState } from './license-state.interface.js';

/** Status or features changed (a reverify, a rotated key, an expiry). */
export interface LicenseChangedEvent {
  readonly type: 'license.changed';
  readonly previous: LicenseState;
  readonly current: LicenseState;
  /** Features granted now and not before (`connector:sap`, …), sorted. */
  readonly granted: readonly string[];
  /** Features granted before and not now, sorted. */
  readonly revoked: readonly string[];
}

/** A warning threshold (`expiryWarningDays`, default 30 and 7) was crossed. Once per threshold per key. */
export interface LicenseExpiringEvent {
  readonly type: 'license.expiring';
  readonly current: LicenseState;
  /** Whole days left, rounded up (`0 < daysLeft ≤ thresholdDays`). */
  readonly daysLeft: number;
  readonly thresholdDays: number;
  readonly expiresAt: Date;
}

/**
 * `exp` passed and the grace period (`graceDays`) began: the key stays accepted until `graceEndsAt`.
 * Once per key: at `exp` while running, or at startup when the app starts inside the grace period.
 */
export interface LicenseGraceEvent {
  readonly type: 'license.grace';
  readonly current: LicenseState;
  readonly expiresAt: Date;
  readonly graceEndsAt: Date;
}

/**
 * `exp` passed while the app ran — or, with `graceDays`, the grace period ended: the state moved to
 * rejected at that moment.
 */
export interface LicenseExpiredEvent {
  readonly type: 'license.expired';
  readonly previous: LicenseState;
  readonly current: LicenseState;
  readonly expiresAt: Date;
  /** Set when a grace period ended (then it is the instant the state moved to rejected). */
  readonly graceEndedAt?: Date;
}

export type LicenseEvent = LicenseChangedEvent | LicenseExpiringEvent | LicenseGraceEvent | LicenseExpiredEvent;
export type LicenseEventType = LicenseEvent['type'];
export type LicenseEventOf<T extends LicenseEventType> = Extract<LicenseEvent, { type: T }>;
