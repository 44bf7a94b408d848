// @liberty/license/status — what a License page shows, built from `LicenseService.state`: the
// status view (expiry and user-cap levels, entitlements), ai.doo's status body, the banner texts,
// and one replica's presence. No NestJS needed.
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
} from '../state/license-status.view.js';
export {
  licenseBanner,
  humanDate,
  timeLeft,
  type LicenseBanner,
  type BannerAudience,
  type BannerTone,
} from '../state/license-banner.view.js';
export { userCapOf } from '../state/license-state.util.js';
export { replicaPresenceOf, type ReplicaPresence } from '../state/replica-presence.util.js';
