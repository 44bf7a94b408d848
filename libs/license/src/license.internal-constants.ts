/** Internal DI tokens: not exported from the package. */
export const LICENSE_RESOLVED_OPTIONS = Symbol('liberty.license.resolved-options');
export const LICENSE_ENVIRONMENT = Symbol('liberty.license.environment');
