// @liberty/license/verify — verification without NestJS: for scripts, other frameworks and the
// CLI. Verify a key against the vendor's public keys, with the same rules and reasons as the module;
// parse feature ids; read operator-named files with a size cap; escape values for log lines.
export {
  verifyLicenseToken,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  MAX_CLOCK_TOLERANCE_SECONDS,
  type VerifyLicenseOptions,
  type LicenseVerification,
} from '../verification/license.verifier.js';
export {
  loadPublicKeys,
  publicKeySet,
  MIN_RSA_BITS,
  type PublicKeySet,
  type PublicKeyOutcome,
} from '../verification/public-keys.loader.js';
export {
  validateLicenseClaims,
  FEATURE_ID_PATTERN,
  type LicenseClaims,
} from '../verification/license-claims.validator.js';
export { RejectionReason, isoSeconds, utcDate, printable } from '../verification/rejection-reasons.util.js';
export { parseFeature, type ParsedFeature } from '../state/license-feature.util.js';
// Files an operator names (public keys, key files, config): regular files only, read up to a cap.
export { readBoundedFile, FileReadError, FILE_SIZE_CAPS } from '../files/bounded-file.reader.js';
export { MAX_TOKEN_BYTES } from '../verification/compact-jws.parser.js';
export {
  verifyRevocationList,
  MAX_REVOCATION_LIST_BYTES,
  MAX_REVOKED_KEYS,
  type RevocationList,
  type RevocationListOutcome,
  type VerifyRevocationListOptions,
} from '../revocation/revocation-list.verifier.js';
