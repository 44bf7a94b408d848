// "Removed means removed" (issue 19): after DELETE /api/license/activation no byte of the key
// stays in the SQLite database's files — the main file, its WAL, anything next to them — while
// the app still runs (WAL in use) and after it stopped.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { issue, sampleToml, SampleApp, unique } from './sample-fixture.js';
import { specTimeout } from '../support/suite.js';

specTimeout(60_000);

describe('removed-key-bytes', () => {
  /** The files under `dir` holding any of `needles` (each at least a whole JWT segment). */
  async function filesHolding(dir: string, needles: string[]): Promise<string[]> {
    const found: string[] = [];
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const bytes = await readFile(join(entry.parentPath, entry.name));
      if (needles.some((needle) => bytes.includes(needle))) found.push(entry.name);
    }
    return found;
  }

  /** The key and its payload and signature segments (a partial copy counts too). */
  const pieces = (token: string) => [token, ...token.split('.').slice(1)];

  it('a deactivated key leaves no bytes in the SQLite file or its WAL (secure_delete, WAL truncated)', async () => {
    const kit = await LicenseTestKit.create();
    const dataDir = await mkdtemp(join(tmpdir(), 'liberty-removed-'));
    const keyVar = unique('LIBERTY_HUB_KEY');
    const toml = sampleToml({ keyVar, enforcement: 'soft', keyStore: 'database' });
    const sample = await SampleApp.start(kit, { keyVar, toml, dataDir });
    try {
      const first = await issue(kit, { claims: { customer: 'First Customer' } });
      const second = await issue(kit, { claims: { customer: 'Second Customer' } });
      expect((await sample.call('post', '/api/license/activate', { body: { token: first } })).status).toBe(200);
      // Stored: the test would prove nothing if the key were never in the files.
      expect(await filesHolding(dataDir, pieces(first))).not.toEqual([]);
      // Replaced by another key: the first one is gone already.
      expect((await sample.call('post', '/api/license/activate', { body: { token: second } })).status).toBe(200);
      expect(await filesHolding(dataDir, pieces(first))).toEqual([]);
      expect(await filesHolding(dataDir, pieces(second))).not.toEqual([]);
      // Deactivated: neither key, while the app runs…
      expect((await sample.call('delete', '/api/license/activation')).status).toBe(200);
      expect(await filesHolding(dataDir, [...pieces(first), ...pieces(second)])).toEqual([]);
      // …nor after more writes and a clean stop.
      expect((await sample.call('post', '/api/users', { body: { name: 'After', permissions: [] } })).status).toBe(201);
      await sample.close();
      expect(await filesHolding(dataDir, [...pieces(first), ...pieces(second)])).toEqual([]);
    } finally {
      await sample.close().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
