/** A configuration mistake, reported with what is wrong and how to fix it. */
export class LicenseConfigurationError extends Error {
  override readonly name = 'LicenseConfigurationError';
  readonly code = 'LICENSE_CONFIGURATION_INVALID';
}
