import { FileReadError, readBoundedFile } from '../files/bounded-file.reader.js';
import { PolledFile } from '../files/polled-file.watcher.js';
import type { PublicKeySet } from '../verification/public-keys.loader.js';
import { isoSeconds } from '../verification/rejection-reasons.util.js';
import { MAX_REVOCATION_LIST_BYTES, verifyRevocationList, type RevocationList } from './revocation-list.verifier.js';

export interface RevocationRefresh {
  /** The `jti` values in force (the last good list), or `undefined` when no list was ever accepted. */
  readonly revoked?: ReadonlySet<string>;
  /** Why the file was not taken, when it was not (a warning for the state and the log). */
  readonly warning?: string;
}

/**
 * The vendor's signed revocation list, read from `revocationListPath` on every (re)verification
 * and watched like the key file. A list replaces the one in force only when it verifies and is not
 * older (its `iat`); a bad, unreadable or older file is a warning and the last good list stays.
 * Its own class so that LicenseService only asks "which jti are revoked now?".
 */
export class RevocationListSource {
  private current?: RevocationList;
  private readonly file: PolledFile;

  constructor(onFileChange: () => void) {
    this.file = new PolledFile(onFileChange);
  }

  async refresh(
    path: string | undefined,
    options: { keys: PublicKeySet; issuer?: readonly string[]; clockToleranceSeconds: number; now: Date },
  ): Promise<RevocationRefresh> {
    if (!path) {
      this.current = undefined;
      return {};
    }
    let text: string;
    try {
      text = (await readBoundedFile(path, MAX_REVOCATION_LIST_BYTES)).trim();
    } catch (error) {
      const detail = error instanceof FileReadError ? error.detail : 'read error';
      return this.keep(`revocation list unreadable (${detail})`);
    }
    const outcome = await verifyRevocationList(text, options);
    if (!outcome.ok) return this.keep(`revocation list rejected (${outcome.why})`);
    const list = outcome.list;
    if (this.current && list.iat < this.current.iat) {
      return this.keep(`revocation list older than the one in force (issued ${isoSeconds(new Date(list.iat * 1000))})`);
    }
    this.current = list;
    return { revoked: list.revoked };
  }

  /** The list in force, for display: when it was issued and how many keys it revokes. */
  get inForce(): { issuedAt: Date; revokedCount: number } | undefined {
    const list = this.current;
    return list ? { issuedAt: new Date(list.iat * 1000), revokedCount: list.revoked.size } : undefined;
  }

  /** Polls the list file (stat only, unref'd) so a new list is picked up without a restart. */
  watch(path: string | undefined, intervalMs: number): void {
    this.file.watch(path, intervalMs);
  }

  stop(): void {
    this.file.stop();
  }

  private keep(problem: string): RevocationRefresh {
    const list = this.current;
    const kept = list
      ? `keeping the list issued ${isoSeconds(new Date(list.iat * 1000))}`
      : 'no revocation list in force';
    return { ...(list ? { revoked: list.revoked } : {}), warning: `${problem}; ${kept}` };
  }
}
