import { LicenseConfigurationError } from './license-configuration.error.js';

/** `${NAME}`: how configuration names an environment variable. */
export const REFERENCE_PATTERN = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * Why `value` is not a `${NAME}` reference to an environment variable, or `undefined` when it is.
 * A value that looks like a JWT is told why it is refused: keys belong in the environment, never
 * in configuration. The value itself is never echoed.
 */
export function keyReferenceProblem(value: unknown): string | undefined {
  if (typeof value === 'string' && REFERENCE_PATTERN.test(value)) return undefined;
  const text = typeof value === 'string' ? value.trim() : '';
  if (/^[\w-]+\.[\w-]+\.[\w-]*$/.test(text) || text.startsWith('eyJ')) {
    return (
      'looks like a license key (JWT). A license key must not be stored in configuration; put it in ' +
      'an environment variable and reference it, e.g. "${LIBERTY_LICENSE_KEY}".'
    );
  }
  return 'must reference an environment variable as ${NAME}, e.g. "${LIBERTY_LICENSE_KEY}".';
}

/** Parses `${NAME}` and returns `NAME`; anything else is a `LicenseConfigurationError` saying why. */
export function parseKeyReference(reference: string): string {
  const problem = keyReferenceProblem(reference);
  if (problem) throw new LicenseConfigurationError(`License configuration error: licenseKey: ${problem}`);
  return REFERENCE_PATTERN.exec(reference)![1];
}

/** `NAME` when `value` is a `${NAME}` reference, else `undefined`. */
export function referencedVariable(value: string): string | undefined {
  return REFERENCE_PATTERN.exec(value)?.[1];
}
