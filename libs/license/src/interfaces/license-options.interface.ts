import type { LicenseClockStore } from './license-clock-store.interface.js';
import type { Type } from '@nestjs/common';
import type { LicenseKeyStore } from '../key-stores/license-key.store.js';
import type { LicenseHubOptions, ResolvedHubOptions } from './license-hub-options.interface.js';

/** `restricted` gates licensed features (Liberty); `soft` only reports and warns (ai.doo). */
export type LicenseEnforcement = 'restricted' | 'soft';

/** Options of `LicenseModule.forRoot()` / `forRootAsync()`. */
export interface LicenseModuleOptions {
  /**
   * Required `aud` claim (the key's `aud` is this string or an array containing it). Optional when
   * `issuer` is set (ai.doo keys carry no `aud`); at least one of the two must be configured,
   * unless `hub` is set.
   */
  audience?: string;
  /** Accepted `iss` values. Default: `iss` is not checked (then `audience` is required). */
  issuer?: string | string[];
  /**
   * The bundled public key (SPKI PEM), or several keyed by `kid` so a vendor can rotate its
   * signing key while keys signed by the old one stay valid. RSA, at least 2048 bits.
   */
  publicKey?: string | Record<string, string>;
  /**
   * Path to a PEM file that replaces `publicKey` (partner / OEM signing authorities). Re-read on
   * every `reverify()`. Default: unset.
   */
  publicKeyPath?: string;
  /**
   * A REFERENCE to the environment variable holding the key, as `${NAME}`; never the key itself.
   * `NAME_FILE` (a mounted secret's path) is honoured when `NAME` is unset.
   * Default: `${LIBERTY_LICENSE_KEY}`.
   */
  licenseKey?: string;
  /** Default: `restricted` for a local key, `soft` for a satellite (`hub`), as ai.doo's page says. */
  enforcement?: LicenseEnforcement;
  /** Clock skew allowed on `nbf` and `iat`, in seconds, 0–300. `exp` gets none. Default: 60. */
  clockToleranceSeconds?: number;
  /** Days before expiry at which `license.expiring` fires, once each per key. Default: [30, 7]. */
  expiryWarningDays?: number[];
  /**
   * Where the key comes from. Default: the environment store (read-only;
   * `licenseKey` names the variable). A `FileKeyStore`, or the host's own `LicenseKeyStore`
   * (an instance, or a class Nest instantiates with the app's global providers), makes
   * `LicenseService.activate()` / `deactivate()` available.
   */
  keyStore?: LicenseKeyStore | Type<LicenseKeyStore>;
  /** How often a `NAME_FILE` secret is checked for changes, in ms (0 disables). Default: 2000. */
  keyFilePollIntervalMs?: number;
  /**
   * This install's name, or a `${NAME}` reference to the variable holding it. A key whose
   * `instance` claim differs is rejected `instance mismatch`; a key without the claim (a site
   * license) is valid everywhere. Default: unset (the claim is only displayed).
   */
  instance?: string;
  /**
   * Days after `exp` during which the key stays accepted (`state.grace`, a warning, the
   * `license.grace` event at `exp`); `license.expired` fires at the end of the grace period.
   * 0–365. Default: 0 (the key expires exactly at `exp`).
   */
  graceDays?: number;
  /**
   * Path to the vendor's signed revocation list (a JWT `{ iss, iat, revoked: [jti…] }` signed by
   * the same key as the licenses). A key whose `jti` is listed is rejected `revoked`. Re-read on
   * every `reverify()` and polled like the key file (`keyFilePollIntervalMs`); a bad, unreadable
   * or older list is a warning and the last good list stays in force. Default: unset.
   */
  revocationListPath?: string;
  /**
   * Where the latest time this app has seen is kept across restarts (`LicenseClockStore`). At
   * startup it is read; while the wall clock is behind it, keys are judged at that time, so a
   * clock set back before a restart cannot revive an expired key. Recorded at every verification
   * and at least hourly. Default: unset (a set-back clock is only caught within one process).
   */
  clockStore?: LicenseClockStore;
  /**
   * A satellite: the license comes from a hub's status endpoint instead of a local key
   * (mutually exclusive with the local-key options: `licenseKey`, `publicKey`, `publicKeyPath`,
   * `audience`, `issuer`, `instance`).
   */
  hub?: LicenseHubOptions;
}

/** The options with every default applied: built once, in `resolveLicenseOptions`. */
export interface ResolvedLicenseOptions {
  readonly audience?: string;
  readonly issuer?: readonly string[];
  readonly publicKey?: string | Readonly<Record<string, string>>;
  readonly publicKeyPath?: string;
  readonly licenseKey: string;
  readonly enforcement: LicenseEnforcement;
  readonly clockToleranceSeconds: number;
  readonly expiryWarningDays: readonly number[];
  readonly keyFilePollIntervalMs: number;
  readonly instance?: string;
  readonly graceDays: number;
  readonly revocationListPath?: string;
  readonly clockStore?: LicenseClockStore;
  readonly hub?: ResolvedHubOptions;
}

/** Settings that may change while the app runs (the sample app's settings page uses this). */
export type LicenseRuntimeSettings = Partial<
  Pick<LicenseModuleOptions, 'licenseKey' | 'publicKey' | 'publicKeyPath' | 'enforcement'>
>;
