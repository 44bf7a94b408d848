// "One clock" on the hub (issue 19): the sample app records the latest time it has seen in its
// database, so a clock set back 3 days before a restart cannot accept a key that expired meanwhile.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { LicenseTestKit } from '@liberty/license/testing';
import { issue, SampleApp, unique } from './sample-fixture.js';
import { specTimeout } from '../support/suite.js';

specTimeout(60_000);

describe('clock-rollback', () => {
  const DAY = 86_400;

  it('a hub whose clock was set back 3 days before a restart does not accept a key that expired yesterday', async () => {
    const kit = await LicenseTestKit.create();
    const dataDir = await mkdtemp(join(tmpdir(), 'liberty-clock-'));
    const keyVar = unique('LIBERTY_CLOCK_KEY');
    // By this machine's clock the key expires in 2 days; by the real time (3 days later) it expired yesterday.
    const token = await issue(kit, { expiresInSeconds: 2 * DAY });
    try {
      const before = await SampleApp.start(kit, { token, keyVar, dataDir });
      expect((await before.get('/api/license/status')).body).toMatchObject({ valid: true, error: '' });
      await before.close();
      const database = new SQLite(join(dataDir, 'liberty.db'));
      const recorded = database.prepare("select latest from license_clock where id = 'current'").get() as {
        latest: string;
      };
      // The time seen before the restart was recorded by the running app.
      expect(Math.abs(Date.parse(recorded.latest) - Date.now())).toBeLessThan(60_000);
      // The clock was 3 days later before the restart (the same as this clock being set back 3 days).
      const seen = new Date(Date.now() + 3 * DAY * 1000);
      database.prepare("update license_clock set latest = ? where id = 'current'").run(seen.toISOString());
      database.close();

      const after = await SampleApp.start(kit, { token, keyVar, dataDir });
      try {
        const status = (await after.get('/api/license/status')).body;
        expect(status).toMatchObject({ valid: false, error: expect.stringMatching(/^expired \(\d{4}-\d\d-\d\d\)$/) });
        const view = (await after.get('/api/license')).body;
        expect(view.status).toBe('rejected');
        // 3 days behind, less the seconds the restart took (the recorded time stays; the clock moves on).
        const behind = view.warnings
          .map((w: string) =>
            /^wall clock is (\d+) s behind the latest time this install recorded \(\S+Z\); keys are judged at that time$/.exec(
              w,
            ),
          )
          .find(Boolean);
        expect(behind).toBeTruthy();
        expect(Number(behind![1])).toBeLessThanOrEqual(3 * DAY);
        expect(Number(behind![1])).toBeGreaterThan(3 * DAY - 120);
      } finally {
        await after.close();
      }
      // The recorded time never moves back.
      const check = new SQLite(join(dataDir, 'liberty.db'));
      const latest = (
        check.prepare("select latest from license_clock where id = 'current'").get() as { latest: string }
      ).latest;
      check.close();
      expect(Date.parse(latest)).toBeGreaterThanOrEqual(seen.getTime());
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
