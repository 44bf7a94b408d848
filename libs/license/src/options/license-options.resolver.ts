import { DEFAULT_LICENSE_KEY_REFERENCE, MAX_GRACE_DAYS } from '../license.constants.js';
import type {
  LicenseEnforcement,
  LicenseModuleOptions,
  LicenseRuntimeSettings,
  ResolvedLicenseOptions,
} from '../interfaces/license-options.interface.js';
import { LicenseConfigurationError } from './license-configuration.error.js';
import { parseKeyReference, REFERENCE_PATTERN } from './key-reference.util.js';
import { LOCAL_KEY_OPTIONS, resolveHubOptions } from './hub-options.resolver.js';
import { DEFAULT_CLOCK_TOLERANCE_SECONDS, MAX_CLOCK_TOLERANCE_SECONDS } from '../verification/license.verifier.js';

/** Merges defaults into the options and checks them: the one place defaults live. */
export function resolveLicenseOptions(options: LicenseModuleOptions): ResolvedLicenseOptions {
  const fail = (path: string, message: string): never => {
    throw new LicenseConfigurationError(`License configuration error: ${path}: ${message}`);
  };
  if (typeof options !== 'object' || options === null) fail('options', 'must be an object');
  // A satellite (hub) has no local key: no audience, no key reference, no public key.
  const hub = options.hub === undefined ? undefined : resolveHubOptions(options.hub, localKeyOptionsOf(options), fail);
  if (options.audience !== undefined && (typeof options.audience !== 'string' || options.audience === '')) {
    fail('audience', 'must be a non-empty string (the aud claim your keys are issued for)');
  }
  const licenseKey = options.licenseKey ?? DEFAULT_LICENSE_KEY_REFERENCE;
  parseKeyReference(licenseKey);
  // ai.doo's satellites are soft ("no feature gates or time-bombs"); Liberty's local key gates.
  const enforcement: LicenseEnforcement = options.enforcement ?? (hub ? 'soft' : 'restricted');
  if (enforcement !== 'restricted' && enforcement !== 'soft') {
    fail('enforcement', 'must be "restricted" or "soft"');
  }
  const tolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > MAX_CLOCK_TOLERANCE_SECONDS) {
    fail('clockToleranceSeconds', `must be an integer from 0 to ${MAX_CLOCK_TOLERANCE_SECONDS}`);
  }
  const warnings = options.expiryWarningDays ?? [30, 7];
  if (!Array.isArray(warnings) || !warnings.every((d) => Number.isInteger(d) && d > 0 && d <= 3650)) {
    fail('expiryWarningDays', 'must be a list of whole days from 1 to 3650');
  }
  const poll = options.keyFilePollIntervalMs ?? 2000;
  if (!Number.isInteger(poll) || poll < 0) fail('keyFilePollIntervalMs', 'must be a whole number of ms');
  if (options.instance !== undefined) {
    const instance = options.instance;
    if (
      typeof instance !== 'string' ||
      instance.trim() === '' ||
      instance.length > 200 ||
      /[^\x20-\x7e]/.test(instance)
    ) {
      fail('instance', 'must be a non-empty name of at most 200 printable characters, or a ${NAME} reference');
    }
    if (instance.startsWith('${') && !REFERENCE_PATTERN.test(instance)) {
      fail('instance', 'a reference must be written ${NAME}, e.g. "${LIBERTY_INSTANCE}"');
    }
  }
  const graceDays = options.graceDays ?? 0;
  if (!Number.isInteger(graceDays) || graceDays < 0 || graceDays > MAX_GRACE_DAYS) {
    fail('graceDays', `must be a whole number of days from 0 to ${MAX_GRACE_DAYS}`);
  }
  const revocationListPath = options.revocationListPath;
  if (
    revocationListPath !== undefined &&
    (typeof revocationListPath !== 'string' || revocationListPath.trim() === '')
  ) {
    fail('revocationListPath', "must be a non-empty path to the vendor's signed revocation list");
  }
  const issuer = options.issuer === undefined ? undefined : [options.issuer].flat();
  if (issuer && (issuer.length === 0 || !issuer.every((i) => typeof i === 'string' && i !== ''))) {
    fail('issuer', 'must be a non-empty string or list of strings');
  }
  // Keys bound to nothing would be accepted for any product of the same signer.
  if (!hub && options.audience === undefined && !issuer) {
    fail(
      'audience / issuer',
      'set at least one: audience (the aud claim, e.g. "liberty") or issuer (e.g. "aidoo.biz" for keys without aud)',
    );
  }
  const store = options.keyStore;
  if (store !== undefined && typeof store !== 'function' && typeof (store as { read?: unknown })?.read !== 'function') {
    fail(
      'keyStore',
      'must be a LicenseKeyStore (an object with read(), and optionally write() / clear()) or a class of one',
    );
  }
  const clockStore = options.clockStore;
  if (
    clockStore !== undefined &&
    (typeof clockStore?.read !== 'function' || typeof clockStore?.record !== 'function')
  ) {
    fail('clockStore', 'must be a LicenseClockStore (an object with read() and record(at))');
  }
  return Object.freeze({
    ...(options.audience !== undefined ? { audience: options.audience } : {}),
    ...(issuer ? { issuer: Object.freeze(issuer) } : {}),
    ...(options.publicKey !== undefined ? { publicKey: options.publicKey } : {}),
    ...(options.publicKeyPath ? { publicKeyPath: options.publicKeyPath } : {}),
    licenseKey,
    enforcement,
    clockToleranceSeconds: tolerance,
    expiryWarningDays: Object.freeze([...new Set(warnings)].sort((a, b) => b - a)),
    keyFilePollIntervalMs: poll,
    ...(options.instance !== undefined ? { instance: options.instance } : {}),
    graceDays,
    ...(revocationListPath !== undefined ? { revocationListPath } : {}),
    ...(clockStore !== undefined ? { clockStore } : {}),
    ...(hub ? { hub } : {}),
  });
}

/** The local-key options set alongside `hub` (a configuration error). */
function localKeyOptionsOf(options: LicenseModuleOptions): string[] {
  return LOCAL_KEY_OPTIONS.filter((name) => (options as unknown as Record<string, unknown>)[name] !== undefined);
}

/**
 * `reconfigure()`: the running options with `settings` applied, checked as forRoot() checks them
 * (a `LicenseConfigurationError` otherwise). `publicKeyPath: ''` removes the path.
 */
export function reconfiguredOptions(
  current: ResolvedLicenseOptions,
  settings: LicenseRuntimeSettings,
): ResolvedLicenseOptions {
  const { issuer, licenseKey, hub, ...rest } = current;
  const merged: LicenseModuleOptions = {
    ...rest,
    // A satellite keeps its hub; a key reference in `settings` then fails as for forRoot().
    ...(hub ? { hub } : { licenseKey }),
    ...(issuer ? { issuer: [...issuer] } : {}),
    expiryWarningDays: [...current.expiryWarningDays],
    ...settings,
  };
  if (settings.publicKeyPath === '') delete merged.publicKeyPath;
  return resolveLicenseOptions(merged);
}
