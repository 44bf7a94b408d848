import { unwatchFile, watchFile, type Stats } from 'node:fs';

/**
 * Polls one file for changes (stat only, unref'd: nothing keeps the process alive) and calls
 * `onChange`; `watch()` with another path moves the watch, with no path or a zero interval ends it.
 * Shared by the key file (`NAME_FILE`) and the revocation list so both behave alike.
 */
export class PolledFile {
  private watched?: string;

  constructor(private readonly onChange: () => void) {}

  watch(path: string | undefined, intervalMs: number): void {
    const next = intervalMs > 0 ? path : undefined;
    if (next === this.watched) return;
    if (this.watched) unwatchFile(this.watched, this.changed);
    this.watched = next;
    if (next) watchFile(next, { interval: intervalMs, persistent: false }, this.changed);
  }

  stop(): void {
    this.watch(undefined, 0);
  }

  // Node calls back once, with zeroed stats, when the watched file does not exist: still no file
  // is no change (a missing key file or revocation list would be read and warned about twice).
  private readonly changed = (current: Stats, previous: Stats): void => {
    if (current.ino === 0 && previous.ino === 0 && current.mtimeMs === 0 && previous.mtimeMs === 0) return;
    this.onChange();
  };
}
