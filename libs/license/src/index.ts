// The public API of @liberty/license, and nothing else.
export { LicenseModule } from './license.module.js';
export { LICENSE_MODULE_OPTIONS } from './license.module-definition.js';
export type { LicenseModuleOptions, LicenseEnforcement } from './license-options.interface.js';
export { LicenseConfigurationError, keyReferenceProblem } from './license-options.js';
export { LicenseService, LICENSE_SHARED_ORIGIN, type LicenseRuntimeSettings, type LicenseOperation, type ReverifyOptions } from './license.service.js';
// Where the key comes from (DESIGN.md 5a): the environment (default, read-only), a file, the host's store.
export {
  LICENSE_KEY_STORE,
  KeyStoreReadError,
  ReadOnlyKeyStoreError,
  LicenseActivationError,
  type LicenseKeyStore,
} from './key-stores/license-key-store.js';
export { EnvironmentKeyStore, type EnvironmentReader } from './key-stores/environment-key-store.js';
export { FileKeyStore } from './key-stores/file-key-store.js';
// Satellites: the license comes from a hub's status endpoint (`hub` option).
export type { LicenseHubOptions } from './hub/hub-options.js';
export type { LicenseStateSource } from './license-state-source.js';
export { LicenseHubClient, HubWarning, MAX_HUB_BODY_BYTES, type HubFetchResult } from './hub/license-hub-client.js';
export {
  HubLicenseSource,
  HubRejection,
  HUB_RETRY_FIRST_SECONDS,
  HUB_CLOCK_SKEW_WARNING_SECONDS,
  type HubSourceClock,
} from './hub/hub-license-source.js';
export { DEFAULT_HUB_MAX_STALE_SECONDS, MAX_HUB_RETRY_SECONDS } from './hub/hub-options.js';
export { parseHubStatus, type HubStatus, type HubStatusParse } from './hub/hub-status.js';
export { LicenseGuard } from './license.guard.js';
export {
  licenseRequiredBody,
  LicenseRequiredGraphQLError,
  type LicenseRequiredBody,
} from './contexts/license-required.js';
export { RequiresLicense } from './requires-license.decorator.js';
export { OnLicenseEvent } from './on-license-event.decorator.js';
export { LicensedRegistry, type LicensedItem, type LicensedIdReport } from './licensed-registry.js';
export {
  LICENSE_LOGGER_CONTEXT,
  LICENSE_REQUIRED,
  DEFAULT_LICENSE_KEY_REFERENCE,
  MAX_GRACE_DAYS,
  FEATURE_NAMESPACES,
  type FeatureNamespace,
} from './license.constants.js';
export { parseFeature, type ParsedFeature } from './license-feature.js';
export type {
  LicenseEvent,
  LicenseEventType,
  LicenseEventOf,
  LicenseChangedEvent,
  LicenseExpiringEvent,
  LicenseExpiredEvent,
  LicenseGraceEvent,
} from './license-events.js';
export type { LicenseState, LicenseStatus, LicenseEntitlements } from './license-state.js';
export { userCapOf } from './license-state.js';
export {
  buildLicenseStatusView,
  toAidooStatus,
  expiryLevel,
  userCapLevel,
  statusLabel,
  type LicenseStatusView,
  type LicenseStatusInput,
  type AidooLicenseStatus,
  type ExpiryLevel,
  type UserCapLevel,
} from './license-status-view.js';
export { licenseBanner, type LicenseBanner } from './license-banner.js';
// Replicas: what one replica reports of itself (listed by @liberty/license/redis's RedisLicenseBus).
export { replicaPresenceOf, type ReplicaPresence } from './replica-presence.js';
// Verification, usable without Nest (the CLI uses these).
export {
  verifyLicenseToken,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  MAX_CLOCK_TOLERANCE_SECONDS,
  type VerifyLicenseOptions,
  type LicenseVerification,
} from './verification/license-verifier.js';
export { loadPublicKeys, publicKeySet, MIN_RSA_BITS, type PublicKeySet, type PublicKeyOutcome } from './verification/public-keys.js';
export { validateLicenseClaims, FEATURE_ID_PATTERN, type LicenseClaims } from './verification/license-claims.js';
export { RejectionReason, isoSeconds, utcDate, printable, publicReason } from './verification/rejection-reasons.js';
// Bounded reads of operator-named files (DESIGN 8); the sample app reads its config with it.
export { readBoundedFile, FileReadError, FILE_SIZE_CAPS } from './files/bounded-file-read.js';
export { MAX_TOKEN_BYTES } from './verification/compact-jws.js';
export {
  generateLicenseKeyPair,
  signLicense,
  DEFAULT_RSA_BITS,
  type PemKeyPair,
  type IssueLicenseOptions,
} from './verification/license-issuer.js';
// Offline revocation: the vendor's signed list of revoked key ids (jti).
export {
  verifyRevocationList,
  MAX_REVOCATION_LIST_BYTES,
  MAX_REVOKED_KEYS,
  type RevocationList,
  type RevocationListOutcome,
  type VerifyRevocationListOptions,
} from './revocation/revocation-list.js';
// Seats: the host provides a SeatCounter; SeatLimiter guards seat-consuming actions (402).
export { SEAT_COUNTER, type SeatClaim, type SeatCounter, type SeatLock } from './seats/seat-counter.interface.js';
export { SeatLimiter } from './seats/seat-limiter.js';
export { SeatLimitReachedException, SEAT_LIMIT_REACHED } from './seats/seat-limit-reached.exception.js';
// AI usage: daily (UTC) message cap with a pluggable store (429 + Retry-After), licensed providers (403).
export { USAGE_STORE, type UsageStore } from './usage/usage-store.interface.js';
export { InMemoryUsageStore } from './usage/in-memory-usage-store.js';
export { AiUsageLimiter, utcDay, secondsUntilUtcMidnight, type AiUsage } from './usage/ai-usage-limiter.js';
export { AiUsageExceptionFilter } from './usage/ai-usage-exception.filter.js';
export {
  AiProviderNotLicensedException,
  AiMessageLimitReachedException,
  AI_PROVIDER_NOT_LICENSED,
  AI_MESSAGE_LIMIT_REACHED,
  UsageStoreUnavailableException,
  USAGE_STORE_UNAVAILABLE,
} from './usage/ai-usage.exceptions.js';
