import type { LicenseState } from './license-state.js';

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

/** `exp` passed while the app ran: the state moved to rejected at that moment. */
export interface LicenseExpiredEvent {
  readonly type: 'license.expired';
  readonly previous: LicenseState;
  readonly current: LicenseState;
  readonly expiresAt: Date;
}

export type LicenseEvent = LicenseChangedEvent | LicenseExpiringEvent | LicenseExpiredEvent;
export type LicenseEventType = LicenseEvent['type'];
export type LicenseEventOf<T extends LicenseEventType> = Extract<LicenseEvent, { type: T }>;

export const LICENSE_EVENT_TYPES: readonly LicenseEventType[] = [
  'license.changed',
  'license.expiring',
  'license.expired',
];
