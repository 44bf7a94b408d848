/**
 * Where the license key comes from. The service only orchestrates: it asks
 * the store for the key, verifies it, and — for a writable store — stores an activated key.
 *
 * The contract of `read()`, which a host's own store must keep:
 * * resolve to the key when one is stored;
 * * resolve to `undefined` ONLY when the store answered that no key is stored — this is a
 *   deactivation: the license becomes `not-configured`;
 * * THROW (or reject) when the store could not be read — a database or Redis outage, a timeout,
 *   a refused permission. Never turn such an error into `undefined`: that would drop a valid
 *   license because of an outage. On an error the service keeps the license it has (re-verified
 *   from the store's last answer), logs ONE warning, retries the read with backoff (0.5 s doubling
 *   to 5 s) until it succeeds, and then goes on by itself. A `KeyStoreReadError` lets the store say
 *   where the read was tried; any other error is reported with its message (escaped).
 *
 * A store without `write` / `clear` is read-only: `activate()` / `deactivate()` are refused.
 */
export interface LicenseKeyStore {
  read(): Promise<string | undefined>;
  write?(token: string): Promise<void>;
  clear?(): Promise<void>;
  /** Where the last read key came from, shown as `state.source` (e.g. `LIBERTY_LICENSE_KEY_FILE`). */
  readonly source?: string;
  /** A file the service polls for changes so a key changed outside the app is picked up. */
  watchPath?(): string | undefined;
  /** What to tell an admin when activation is refused because the store is read-only. */
  readonly readOnlyHint?: string;
  /** A note about the last read that found no key (an empty secret file), shown as a warning. */
  readonly emptyReadWarning?: string;
}

/**
 * The store `LicenseService` reads from, for hosts that want to inject it (e.g. to show which
 * store is in use). Set it with the `keyStore` option.
 */
export const LICENSE_KEY_STORE = Symbol('liberty.license.key-store');

/**
 * A store that cannot be read (an outage, a missing permission, an empty secret): a warning, and
 * the current license stays (see `LicenseKeyStore.read`).
 */
export class KeyStoreReadError extends Error {
  override readonly name = 'KeyStoreReadError';
  readonly code = 'KEY_STORE_UNREADABLE';
  constructor(
    message: string,
    /** Where the read was tried (`LIBERTY_LICENSE_KEY_FILE`, a path). */
    readonly source?: string,
  ) {
    super(message);
  }
}

/** `activate()` / `deactivate()` with a store that cannot be written (the environment store). */
export class ReadOnlyKeyStoreError extends Error {
  override readonly name = 'ReadOnlyKeyStoreError';
  readonly code = 'KEY_STORE_READ_ONLY';
  constructor(hint?: string) {
    super(`the license key store is read-only: ${hint ?? 'configure a writable keyStore to activate keys'}`);
  }
}

/** `activate(token)` refused: the candidate key was rejected (its `reason`); nothing changed. */
export class LicenseActivationError extends Error {
  override readonly name = 'LicenseActivationError';
  readonly code = 'LICENSE_REJECTED';
  constructor(
    /** A rejection reason (`signature invalid`, `expired (2026-01-01)`, …). */
    readonly reason: string,
  ) {
    super(`license key rejected — reason="${reason}"; nothing was changed`);
  }
}
