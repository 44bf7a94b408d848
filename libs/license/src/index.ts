// The public API of @liberty/license, and nothing else.
export { LicenseModule } from './license.module.js';
export { LICENSE_MODULE_OPTIONS } from './license.module-definition.js';
export type { LicenseClockStore } from './interfaces/license-clock-store.interface.js';
export type { LicenseModuleOptions, LicenseEnforcement } from './interfaces/license-options.interface.js';
export { keyReferenceProblem } from './options/key-reference.util.js';
export { LicenseConfigurationError } from './options/license-configuration.error.js';
export { LicenseService, LICENSE_SHARED_ORIGIN, type LicenseRuntimeSettings, type LicenseOperation, type ReverifyOptions } from './license.service.js';
// Where the key comes from: the environment (default, read-only), a file, the host's store.
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
export type { LicenseHubOptions } from './interfaces/license-hub-options.interface.js';
export type { LicenseStateSource } from './interfaces/license-state-source.interface.js';
export { LicenseHubClient, HubWarning, MAX_HUB_BODY_BYTES, type HubFetchResult } from './hub/license-hub-client.js';
export {
  HubLicenseSource,
  HubRejection,
  HUB_RETRY_FIRST_SECONDS,
  HUB_CLOCK_SKEW_WARNING_SECONDS,
  type HubSourceClock,
} from './hub/hub-license-source.js';
export { DEFAULT_HUB_MAX_STALE_SECONDS, MAX_HUB_RETRY_SECONDS } from './options/hub-options.resolver.js';
export { parseHubStatus, type HubStatus, type HubStatusParse } from './hub/hub-status.js';
export { LicenseGuard } from './license.guard.js';
export {
  licenseRequiredBody,
  LicenseRequiredGraphQLError,
  type LicenseRequiredBody,
} from './contexts/license-required.js';
export { RequiresLicense } from './decorators/requires-license.decorator.js';
export { OnLicenseEvent } from './decorators/on-license-event.decorator.js';
export { LicensedRegistry, type LicensedItem, type LicensedIdReport } from './registry/licensed.registry.js';
export {
  LICENSE_LOGGER_CONTEXT,
  LICENSE_REQUIRED,
  DEFAULT_LICENSE_KEY_REFERENCE,
  MAX_GRACE_DAYS,
  FEATURE_NAMESPACES,
  type FeatureNamespace,
} from './license.constants.js';
export { parseFeature, type ParsedFeature } from './state/license-feature.util.js';
export type {
  LicenseEvent,
  LicenseEventType,
  LicenseEventOf,
  LicenseChangedEvent,
  LicenseExpiringEvent,
  LicenseExpiredEvent,
  LicenseGraceEvent,
} from './interfaces/license-events.interface.js';
export type { LicenseState, LicenseStatus, LicenseEntitlements } from './interfaces/license-state.interface.js';
export { userCapOf } from './state/license-state.util.js';
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
} from './state/license-status.view.js';
export { licenseBanner, humanDate, timeLeft, type LicenseBanner, type BannerAudience, type BannerTone } from './state/license-banner.view.js';
// Replicas: what one replica reports of itself (listed by @liberty/license/redis's RedisLicenseBus).
export { replicaPresenceOf, type ReplicaPresence } from './state/replica-presence.util.js';
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
export { normalisePastedKey } from './verification/pasted-key.js';
export { AIDOO_ISSUER, AIDOO_TIERS } from './verification/aidoo-claims.js';
// Bounded reads of operator-named files; the sample app reads its config with it.
export { readBoundedFile, FileReadError, FILE_SIZE_CAPS } from './files/bounded-file-read.js';
export { MAX_TOKEN_BYTES } from './verification/compact-jws.js';
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
