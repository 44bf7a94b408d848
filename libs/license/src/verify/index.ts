// @liberty/license/verify — verification without NestJS: for scripts, other frameworks and the
// CLI. Verify a key against the vendor's public keys, with the same rules and reasons as the module.
export {
  verifyLicenseToken,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  MAX_CLOCK_TOLERANCE_SECONDS,
  type VerifyLicenseOptions,
  type LicenseVerification,
} from '../verification/license-verifier.js';
export { loadPublicKeys, publicKeySet, MIN_RSA_BITS, type PublicKeySet, type PublicKeyOutcome } from '../verification/public-keys.js';
export { validateLicenseClaims, FEATURE_ID_PATTERN, type LicenseClaims } from '../verification/license-claims.js';
export { RejectionReason, isoSeconds, utcDate } from '../verification/rejection-reasons.js';
export { MAX_TOKEN_BYTES } from '../verification/compact-jws.js';
export {
  verifyRevocationList,
  MAX_REVOCATION_LIST_BYTES,
  MAX_REVOKED_KEYS,
  type RevocationList,
  type RevocationListOutcome,
  type VerifyRevocationListOptions,
} from '../revocation/revocation-list.js';
