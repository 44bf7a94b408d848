import { parseKeyReference } from '../options/key-reference.util.js';
import { EnvironmentKeyStore, type EnvironmentReader, type KeyRead } from './environment-key.store.js';
import { ReadOnlyKeyStoreError, type LicenseKeyStore } from './license-key.store.js';
import { readKeyStore } from './key-store.reader.js';

/**
 * `LicenseService`'s one handle on where the key comes from: the host's store (`keyStore`), or the
 * environment store for the variable `licenseKey` names (rebuilt by `use()` when the reference
 * changes). A satellite has no key of its own: activation is refused there.
 */
export class LicenseKeySource {
  private store: LicenseKeyStore;
  /**
   * The store's last answer (a key, or "no key"), kept through read failures: a store that cannot
   * be read right now (a database or Redis outage) says nothing about the key, so the evaluator
   * goes on with this answer. Forgotten when the store changes.
   */
  private answer?: Exclude<KeyRead, { kind: 'unreadable' }>;

  constructor(
    private readonly env: EnvironmentReader,
    private readonly custom: LicenseKeyStore | null | undefined,
    private licenseKey: string,
    private readonly satellite = false,
  ) {
    this.store = this.storeFor(licenseKey);
  }

  /** Follows a new `licenseKey` reference (`reconfigure()`); a host's store stays. */
  use(licenseKey: string): void {
    // Another variable is another store: its predecessor's answer says nothing about it.
    if (!this.custom && licenseKey !== this.licenseKey) this.answer = undefined;
    this.licenseKey = licenseKey;
    this.store = this.storeFor(licenseKey);
  }

  /** The key, or why there is none. Never throws. */
  async read(): Promise<KeyRead> {
    const read = await readKeyStore(this.store);
    if (read.kind !== 'unreadable') this.answer = read;
    return read;
  }

  /** The store's last answer before the current failure to read it (`undefined`: it never answered). */
  get lastAnswer(): Exclude<KeyRead, { kind: 'unreadable' }> | undefined {
    return this.answer;
  }

  /** What was looked for when the environment store found no key, for the startup log. */
  missingKeyHint(): string | undefined {
    if (!(this.store instanceof EnvironmentKeyStore)) return undefined;
    const name = this.store.variable;
    return `no license key: ${name} (or ${name}_FILE) is not set`;
  }

  watchPath(): string | undefined {
    return this.store.watchPath?.();
  }

  get writable(): boolean {
    return !this.satellite && typeof this.store.write === 'function';
  }

  /** Throws `ReadOnlyKeyStoreError` (saying what to do) unless `method` can run. */
  assertWritable(method: 'write' | 'clear'): void {
    if (this.satellite)
      throw new ReadOnlyKeyStoreError('the license comes from the hub (a satellite); activate the key on the hub');
    if (typeof this.store[method] !== 'function') throw new ReadOnlyKeyStoreError(this.store.readOnlyHint);
  }

  /** Stores a verified key; returns where (for the log line). */
  async write(token: string): Promise<string | undefined> {
    this.assertWritable('write');
    await this.store.write!(token);
    this.answer = { kind: 'token', token, source: this.store.source ?? 'keyStore' };
    return this.store.source;
  }

  async clear(): Promise<string | undefined> {
    this.assertWritable('clear');
    await this.store.clear!();
    this.answer = { kind: 'unset' };
    return this.store.source;
  }

  private storeFor(licenseKey: string): LicenseKeyStore {
    return this.custom ?? new EnvironmentKeyStore(this.env, parseKeyReference(licenseKey));
  }
}
