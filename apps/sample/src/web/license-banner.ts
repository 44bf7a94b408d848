// The banner texts live in the library, so that the hub's pages and its satellites say the same.
export { licenseBanner, type BannerAudience, type BannerTone, type LicenseBanner } from '@liberty/license/status';
