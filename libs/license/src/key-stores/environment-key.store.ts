import { KeyStoreReadError, type LicenseKeyStore } from './license-key.store.js';
import { FILE_SIZE_CAPS, FileReadError, readBoundedFile } from '../files/bounded-file.reader.js';

/** How long an empty key file is given to be written before it counts as "no key". */
const EMPTY_FILE_RECHECK_MS = 250;

/** Reads environment variables; `ConfigService` satisfies it (so `.env` files work). */
export interface EnvironmentReader {
  get<T = string>(name: string): T | undefined;
}

export type KeyRead =
  | { kind: 'unset'; why?: string }
  | { kind: 'token'; token: string; source: string }
  | { kind: 'unreadable'; source: string; why: string };

/**
 * Liberty's rule, the default store: the key is read from the variable `licenseKey` references
 * (`NAME`), or from the file named by `NAME_FILE` (the Docker / Kubernetes secrets convention),
 * and never written anywhere. Read-only: `activate()` is refused with what to do instead.
 */
export class EnvironmentKeyStore implements LicenseKeyStore {
  private lastSource?: string;
  private lastEmpty?: string;

  constructor(
    private readonly env: EnvironmentReader,
    /** The variable's name (`LIBERTY_LICENSE_KEY`), not a `${NAME}` reference. */
    readonly variable: string,
  ) {}

  get source(): string | undefined {
    return this.lastSource;
  }

  get emptyReadWarning(): string | undefined {
    return this.lastEmpty;
  }

  get readOnlyHint(): string {
    return `the key is read from the environment; set ${this.variable} (or ${this.variable}_FILE) and re-verify`;
  }

  async read(): Promise<string | undefined> {
    const read = await readLicenseKey(this.env, this.variable);
    this.lastSource = read.kind === 'unset' ? undefined : read.source;
    this.lastEmpty = read.kind === 'unset' ? read.why : undefined;
    if (read.kind === 'unreadable') throw new KeyStoreReadError(read.why, read.source);
    return read.kind === 'token' ? read.token : undefined;
  }

  /** The `NAME_FILE` secret, polled so a rotated secret is picked up without a restart. */
  watchPath(): string | undefined {
    return keyFilePath(this.env, this.variable);
  }
}

/**
 * Reads the license key from `NAME`, or from the file named by `NAME_FILE` when `NAME` is unset or
 * empty. Surrounding whitespace (the newline `echo` leaves in a file) is trimmed; anything else is
 * the verifier's business. A file that cannot be read, or holds nothing, is `unreadable` with the
 * reason (reported as a warning). The CLI's `verify` reads the key the same way.
 */
export async function readLicenseKey(env: EnvironmentReader, name: string): Promise<KeyRead> {
  const direct = env.get<string>(name);
  if (typeof direct === 'string' && direct.trim() !== '') {
    return { kind: 'token', token: direct.trim(), source: name };
  }
  const fileVariable = `${name}_FILE`;
  const path = keyFilePath(env, name);
  if (!path) return { kind: 'unset' };
  try {
    // A secret is small: a regular file of at most 64 KiB, read without ever reading more.
    let text = (await readBoundedFile(path, FILE_SIZE_CAPS.keyFile)).trim();
    // Caught between the truncate and the write of a non-atomic rewrite? Look once more.
    if (text === '') {
      await new Promise((resolve) => setTimeout(resolve, EMPTY_FILE_RECHECK_MS));
      text = (await readBoundedFile(path, FILE_SIZE_CAPS.keyFile)).trim();
    }
    // An emptied secret is "no key" (how an operator removes it without a restart), with a warning
    // saying so; a secret that cannot be read at all is an outage and keeps the license (unreadable).
    return text === ''
      ? { kind: 'unset', why: `${fileVariable} is empty` }
      : { kind: 'token', token: text, source: fileVariable };
  } catch (error) {
    const detail = error instanceof FileReadError ? error.detail : 'read error';
    return { kind: 'unreadable', source: fileVariable, why: `cannot read ${fileVariable} (${detail})` };
  }
}

/** The path in `NAME_FILE`, when set and `NAME` is not. */
export function keyFilePath(env: EnvironmentReader, name: string): string | undefined {
  const direct = env.get<string>(name);
  if (typeof direct === 'string' && direct.trim() !== '') return undefined;
  const path = env.get<string>(`${name}_FILE`);
  return typeof path === 'string' && path.trim() !== '' ? path.trim() : undefined;
}
