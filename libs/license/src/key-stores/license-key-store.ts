/**
 * Where the license key comes from (DESIGN.md section 5a). The service only orchestrates: it asks
 * the store for the key, verifies it, and — for a writable store — stores an activated key.
 *
 * `read()` resolves to the key, or `undefined` when none is stored (the normal unlicensed
 * mode); it throws when the store cannot be read (reported as a warning, never a crash).
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
}

/**
 * The store `LicenseService` reads from, for hosts that want to inject it (e.g. to show which
 * store is in use). Set it with the `keyStore` option.
 */
export const LICENSE_KEY_STORE = Symbol('liberty.license.key-store');

/** A store that cannot be read (a missing permission, an empty secret): reported as a warning. */
export class KeyStoreReadError extends Error {
  override readonly name = 'KeyStoreReadError';
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
    /** A rejection reason of DESIGN.md section 4 (`signature invalid`, `expired (2026-01-01)`, …). */
    readonly reason: string,
  ) {
    super(`license key rejected — reason="${reason}"; nothing was changed`);
  }
}
