import type { LicenseState, LicenseStatus } from '../interfaces/license-state.interface.js';

/**
 * One replica of an install as the others see it: never the key, only its fingerprint, so an
 * admin can spot the replica that did not get a rolling key update.
 */
export interface ReplicaPresence {
  readonly id: string;
  readonly status: LicenseStatus;
  /**
   * `LicenseService.keyFingerprint`: 16 hex digits of a SHA-256, `''` without a key — and `''` for
   * a key whose signature did not verify: a fingerprint of whatever an operator (or a crafted
   * `${SECRET}` reference) put there would be an offline guessing oracle for that value.
   */
  readonly keyFingerprint: string;
  /**
   * `LicenseService.settingsFingerprint`: the key reference, public key and enforcement this
   * replica runs, so the License tab can show one whose settings differ. `''` from a replica
   * that does not report it (an older version).
   */
  readonly settingsFingerprint: string;
  /** ISO-8601: when this replica last verified. */
  readonly verifiedAt: string;
  /** ISO-8601: when this replica last reported itself. */
  readonly lastSeenAt: string;
}

/** What `replicaPresenceOf` reads of `LicenseService` (a narrow view, so state/ does not import the service). */
export interface PresenceSource {
  readonly state: Pick<LicenseState, 'status' | 'verifiedAt' | 'claims'>;
  readonly keyFingerprint: string;
  readonly settingsFingerprint: string;
}

/** This process's presence now (what a replica running alone lists). */
export function replicaPresenceOf(license: PresenceSource, id: string, now: Date = new Date()): ReplicaPresence {
  const { status, verifiedAt, claims } = license.state;
  return {
    id,
    status,
    // Verified claims exist only when the key's signature verified (accepted, or expired & co.).
    keyFingerprint: claims ? license.keyFingerprint : '',
    settingsFingerprint: license.settingsFingerprint,
    verifiedAt: verifiedAt.toISOString(),
    lastSeenAt: now.toISOString(),
  };
}
