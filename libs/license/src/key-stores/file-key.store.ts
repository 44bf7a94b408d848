import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { KeyStoreReadError, type LicenseKeyStore } from './license-key.store.js';
import { FILE_SIZE_CAPS, FileReadError, readBoundedFile } from '../files/bounded-file.reader.js';

/**
 * ai.doo's activation by paste, kept in a file: `activate()` writes the key here, `deactivate()`
 * removes it, every (re)verification reads it. The file is written atomically (a temporary file in
 * the same directory, flushed, then renamed over), with mode 0600; a directory it creates gets 0700.
 * A missing file is "no key" (not configured); an unreadable one is a warning.
 *
 * ```ts fragment
 * LicenseModule.forRoot({ issuer: 'aidoo.biz', publicKey, keyStore: new FileKeyStore('/var/lib/hub/license.jwt') })
 * ```
 */
export class FileKeyStore implements LicenseKeyStore {
  readonly path: string;

  constructor(path: string) {
    if (typeof path !== 'string' || path.trim() === '') throw new TypeError('FileKeyStore needs a file path');
    this.path = resolve(path);
  }

  get source(): string {
    return this.path;
  }

  async read(): Promise<string | undefined> {
    let text: string;
    try {
      text = (await readBoundedFile(this.path, FILE_SIZE_CAPS.keyFile)).trim();
    } catch (error) {
      const detail = error instanceof FileReadError ? error.detail : 'read error';
      if (detail === 'ENOENT') return undefined; // nothing activated yet
      throw new KeyStoreReadError(`cannot read the key store ${this.path} (${detail})`, this.path);
    }
    return text === '' ? undefined : text;
  }

  async write(token: string): Promise<void> {
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = join(dir, `.${basename(this.path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      // `wx`: never follows or reuses an existing file; 0600 from the first byte on.
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(`${token}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await chmod(temp, 0o600); // in case the umask narrowed nothing but the platform widened it
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async clear(): Promise<void> {
    await rm(this.path, { force: true });
  }

  watchPath(): string {
    return this.path;
  }
}
