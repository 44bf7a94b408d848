import type { LicenseEventType } from './interfaces/license-events.interface.js';

/** The Nest `Logger` context of every line this library logs. */
export const LICENSE_LOGGER_CONTEXT = 'liberty.licensing';

/** The default reference to the license key's environment variable. */
export const DEFAULT_LICENSE_KEY_REFERENCE = '${LIBERTY_LICENSE_KEY}';

/** Feature namespaces, as `@RequiresLicense()` and `isLicensed()` take them (`connector:sap`). */
export const FEATURE_NAMESPACES = ['connector', 'app', 'product', 'ai'] as const;
export type FeatureNamespace = (typeof FEATURE_NAMESPACES)[number];

/** The `code` of the 403 body when a route needs a feature the license does not grant. */
export const LICENSE_REQUIRED = 'LICENSE_REQUIRED';

/** The longest grace period (`graceDays`): a renewal lost for a whole year is not a grace period any more. */
export const MAX_GRACE_DAYS = 365;

/** Every event type `@OnLicenseEvent()` accepts. */
export const LICENSE_EVENT_TYPES: readonly LicenseEventType[] = [
  'license.changed',
  'license.expiring',
  'license.grace',
  'license.expired',
];
