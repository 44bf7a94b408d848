// The public API of @liberty/license: what a NestJS app needs, and nothing else. Verification
// without Nest lives in '@liberty/license/verify'; Redis, Terminus, Prometheus and the test kit in
// their own subpaths; the vendor's signing tools in the separate package @liberty/license-cli.
// test/library/public-api.e2e-spec.ts pins this list: an export added by accident fails the build.

// The module, the service, the guard and the decorators.
export { LicenseModule } from './license.module.js';
export {
  LicenseService,
  LICENSE_SHARED_ORIGIN,
  type LicenseRuntimeSettings,
  type LicenseOperation,
  type ReverifyOptions,
} from './license.service.js';
export { LicenseGuard } from './license.guard.js';
export { RequiresLicense } from './decorators/requires-license.decorator.js';
export { OnLicenseEvent } from './decorators/on-license-event.decorator.js';
export type { LicenseFeature, LicenseFeatureIds } from './interfaces/license-feature.interface.js';

// Options, state, claims and events.
export type { LicenseModuleOptions, LicenseEnforcement } from './interfaces/license-options.interface.js';
export type { LicenseHubOptions } from './interfaces/license-hub-options.interface.js';
export type { LicenseStateSource } from './interfaces/license-state-source.interface.js';
export type { LicenseClockStore } from './interfaces/license-clock-store.interface.js';
export type { LicenseState, LicenseStatus, LicenseEntitlements } from './interfaces/license-state.interface.js';
export type { LicenseClaims } from './verification/license-claims.validator.js';
export type {
  LicenseEvent,
  LicenseEventType,
  LicenseChangedEvent,
  LicenseExpiringEvent,
  LicenseExpiredEvent,
  LicenseGraceEvent,
} from './interfaces/license-events.interface.js';
export { keyReferenceProblem } from './options/key-reference.util.js';

// Where the key comes from: the environment (default, read-only), a file, the host's own store.
export { LICENSE_KEY_STORE, type LicenseKeyStore } from './key-stores/license-key.store.js';
export { EnvironmentKeyStore } from './key-stores/environment-key.store.js';
export { FileKeyStore } from './key-stores/file-key.store.js';

// Errors (each carries a stable `code`).
export { LicenseConfigurationError } from './options/license-configuration.error.js';
export { KeyStoreReadError, ReadOnlyKeyStoreError, LicenseActivationError } from './key-stores/license-key.store.js';
export { LicenseRequiredGraphQLError, type LicenseRequiredBody } from './contexts/license-required.exception.js';

// Registries that show or hide licensed content.
export { LicensedRegistry, type LicensedItem } from './registry/licensed.registry.js';

// Seats: the host counts enabled users; seat-consuming writes run under the seat lock (402).
export { SEAT_COUNTER, type SeatClaim, type SeatCounter, type SeatLock } from './seats/seat-counter.interface.js';
export { SeatLimiter } from './seats/seat.limiter.js';
export { SeatLimitReachedException } from './seats/seat-limit-reached.exception.js';

// AI usage: a daily (UTC) message cap with a pluggable store (429), licensed providers (403).
export { USAGE_STORE, type UsageStore } from './usage/usage-store.interface.js';
export { InMemoryUsageStore } from './usage/in-memory-usage.store.js';
export { AiUsageLimiter, type AiUsage } from './usage/ai-usage.limiter.js';
export { AiUsageExceptionFilter } from './usage/ai-usage-exception.filter.js';
export {
  AiProviderNotLicensedException,
  AiMessageLimitReachedException,
  UsageStoreUnavailableException,
} from './usage/ai-usage.exceptions.js';
