/**
 * The feature ids of your app, declared once so that `@RequiresLicense()`, `isLicensed()` and
 * `watch()` complete them and a typo is a compile error:
 *
 * ```ts
 * declare module '@liberty/license' {
 *   interface LicenseFeatureIds {
 *     ids: 'connector:sap' | 'connector:snowflake' | 'ai:anthropic';
 *   }
 * }
 * ```
 *
 * Without the declaration every string is accepted (an unknown namespace still fails at startup).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the app's declaration
export interface LicenseFeatureIds {}

/** A feature id: one of the app's declared ids (see `LicenseFeatureIds`), or any string without a declaration. */
export type LicenseFeature = LicenseFeatureIds extends { ids: infer Ids extends string } ? Ids : string;
