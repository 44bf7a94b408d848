import { mkdtemp, rename, rm, writeFile as writeInPlace } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { PolledFile } from './polled-file.watcher.js';

// stat polling on a loaded machine: generous waits, never a speed check.
jest.setTimeout(30_000);

const INTERVAL_MS = 20;
const until = async (done: () => boolean) => {
  for (let waited = 0; !done(); waited += 25) {
    if (waited > 20_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Each write lands whole (temp file + rename, as secrets should be written): a poll that falls
// between the truncate and the write of an in-place rewrite would count one change twice.
const writeFile = async (path: string, text: string) => {
  await writeInPlace(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'polled-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('PolledFile', () => {
  it('calls back when the watched file changes, follows a new path, and is silent once stopped', async () => {
    const [a, b] = [join(dir, 'a'), join(dir, 'b')];
    await Promise.all([writeFile(a, 'one'), writeFile(b, 'one')]);
    let changes = 0;
    const file = new PolledFile(() => changes++);
    try {
      file.watch(a, INTERVAL_MS);
      await pause(100);
      await writeFile(a, 'two, longer');
      await until(() => changes === 1);

      file.watch(b, INTERVAL_MS); // a is no longer watched
      await pause(100);
      await writeFile(a, 'three, longer still');
      await writeFile(b, 'two, longer');
      await until(() => changes === 2);
      await pause(200);
      expect(changes).toBe(2);

      file.stop();
      await writeFile(b, 'three, longer still');
      await pause(200);
      expect(changes).toBe(2);
    } finally {
      file.stop();
    }
  });

  it('a path with no file yet is no change (a missing revocation list is not re-read); its creation and removal are', async () => {
    const a = join(dir, 'a');
    let changes = 0;
    const file = new PolledFile(() => changes++);
    try {
      file.watch(a, INTERVAL_MS);
      await pause(200); // several polls of a missing file: Node calls back once with zeroed stats
      await writeFile(a, 'one');
      await until(() => changes >= 1);
      await rm(a);
      await until(() => changes >= 2);
      expect(changes).toBe(2);
    } finally {
      file.stop();
    }
  });

  it('watches nothing with no path or a zero interval', async () => {
    const a = join(dir, 'a');
    await writeFile(a, 'one');
    let changes = 0;
    const file = new PolledFile(() => changes++);
    file.watch(a, 0);
    file.watch(undefined, INTERVAL_MS);
    await writeFile(a, 'two, longer');
    await pause(200);
    expect(changes).toBe(0);
    file.stop();
  });
});
