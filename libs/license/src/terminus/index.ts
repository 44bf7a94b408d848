// @liberty/license/terminus: the license as a @nestjs/terminus health indicator.
// @nestjs/terminus is an optional peer dependency, loaded only by apps that import this entry.
export {
  LicenseHealthIndicator,
  licenseHealthDetails,
  type LicenseHealthOptions,
  type LicenseHealthCondition,
  type LicenseHealthDetails,
} from './license-health.indicator.js';
