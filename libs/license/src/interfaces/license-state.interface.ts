import type { LicenseClaims } from '../verification/license-claims.validator.js';
import type { LicenseEnforcement } from './license-options.interface.js';

/** `not-configured` (no key set) is the normal unlicensed mode, not an error. */
export type LicenseStatus = 'accepted' | 'rejected' | 'not-configured';

/** What the current license grants. Empty unless the status is `accepted`. */
export interface LicenseEntitlements {
  /** `connector:sap`, `app:nomajde`, `product:pika`, `ai:anthropic`, … */
  readonly features: ReadonlySet<string>;
  /** Enabled-user cap: `features.users.max`, else `seats`; the lower when both are set. */
  readonly maxUsers?: number;
  readonly aiProviders: readonly string[];
  readonly aiMessagesPerDay?: number;
}

/** An immutable snapshot of the license, replaced whole on every (re)verification. */
export interface LicenseState {
  readonly status: LicenseStatus;
  /** The rejection reason when `status` is `rejected`. */
  readonly reason?: string;
  /** Verified claims; kept after a verified key is rejected (expired), so admins see what expired. */
  readonly claims?: LicenseClaims;
  readonly entitlements: LicenseEntitlements;
  readonly enforcement: LicenseEnforcement;
  /** When this snapshot was made. */
  readonly verifiedAt: Date;
  readonly expiresAt?: Date;
  /** Where the key was read from: `LIBERTY_LICENSE_KEY` or `LIBERTY_LICENSE_KEY_FILE`. */
  readonly source?: string;
  /** Non-fatal findings (e.g. the wall clock moved back). Never a lockout. */
  readonly warnings: readonly string[];
  /** Set while `exp` has passed and the key is still accepted for `graceDays` (until `endsAt`). */
  readonly grace?: { readonly endsAt: Date };
}
