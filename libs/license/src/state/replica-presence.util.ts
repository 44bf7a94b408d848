import type { LicenseState, LicenseStatus } from '../interfaces/license-state.interface.js';

/**
 * One replica of an install as the others see it: never the key, only its fingerprint, so an
 * admin can spot the replica that did not get a rolling key update.
 */
export interface ReplicaPresence {
  readonly id: string;
  readonly status: LicenseStatus;
  /** `LicenseService.keyFingerprint`: 16 hex digits of a SHA-256, `''` without a key. */
  readonly keyFingerprint: string;
  /** ISO-8601: when this replica last verified. */
  readonly verifiedAt: string;
  /** ISO-8601: when this replica last reported itself. */
  readonly lastSeenAt: string;
}

/** What `replicaPresenceOf` reads of `LicenseService` (a narrow view, so state/ does not import the service). */
export interface PresenceSource {
  readonly state: Pick<LicenseState, 'status' | 'verifiedAt'>;
  readonly keyFingerprint: string;
}

/** This process's presence now (what a replica running alone lists). */
export function replicaPresenceOf(license: PresenceSource, id: string, now: Date = new Date()): ReplicaPresence {
  const { status, verifiedAt } = license.state;
  return {
    id,
    status,
    keyFingerprint: license.keyFingerprint,
    verifiedAt: verifiedAt.toISOString(),
    lastSeenAt: now.toISOString(),
  };
}
