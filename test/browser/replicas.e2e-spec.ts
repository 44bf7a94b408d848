import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue, sampleToml, unique } from '../sample/sample-fixture.js';
import { SampleProcess } from '../support/apps.js';
import { startRedis, type RedisServer } from '../support/servers.js';
import { launchChromium } from './support/chromium.js';
import { specTimeout } from '../support/suite.js';

// The License page lists the replicas of the install (two processes sharing a Redis started
// here) and marks the one that runs another key, as after a rolling key update that missed it.

specTimeout(180_000);

describe('License page: replicas (Chromium)', () => {
  let browser: Browser;
  let redis: RedisServer;
  let dir: string;
  let replicas: SampleProcess[] = [];
  let base: Record<string, string>;
  let keyVar: string;
  let current: string;

  beforeAll(async () => {
    const kit = await LicenseTestKit.create();
    dir = await mkdtemp(join(tmpdir(), 'liberty-web-replicas-'));
    keyVar = unique('LIBERTY_TEST_KEY');
    await writeFile(join(dir, 'public.pem'), kit.publicKey);
    await writeFile(join(dir, 'app.toml'), sampleToml({ keyVar }));
    redis = await startRedis();
    base = {
      LIBERTY_CONFIG: join(dir, 'app.toml'),
      LIBERTY_ADMIN_TOKEN: 'web-replicas-admin-0123456789abcdef',
      REDIS_URL: redis.url,
      LIBERTY_BUS_INTERVAL_MS: '300',
    };
    current = await issue(kit, { claims: claims({ users: { max: 5 } }, { customer: 'Current Corp' }) });
    const old = await issue(kit, { claims: claims({ users: { max: 5 } }, { customer: 'Old Corp' }) });
    replicas = await Promise.all([
      SampleProcess.start({
        ...base,
        [keyVar]: current,
        LIBERTY_REPLICA_ID: 'replica-a',
        LIBERTY_DATA_DIR: join(dir, 'a'),
      }),
      SampleProcess.start({
        ...base,
        [keyVar]: old,
        LIBERTY_REPLICA_ID: 'replica-b',
        LIBERTY_DATA_DIR: join(dir, 'b'),
      }),
    ]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(replicas.map((replica) => replica.stop()));
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists both replicas, this one first, and marks the one running a different key', async () => {
    const context = await browser.newContext({ baseURL: replicas[0].url });
    expect(
      (await context.request.post('/api/session', { data: { token: 'web-replicas-admin-0123456789abcdef' } })).status(),
    ).toBe(204);
    const page = await context.newPage();
    try {
      // Presence is written as each replica starts; reload until both are listed.
      const deadline = Date.now() + 20_000;
      for (;;) {
        await page.goto('/settings/license');
        await page.locator('#license[aria-busy="false"]').waitFor({ timeout: 15_000 });
        if ((await page.locator('#replicas li').count()) === 2) break;
        if (Date.now() > deadline) throw new Error('the page never listed two replicas');
        await page.waitForTimeout(300);
      }
      const own = page.locator('#replicas li[data-id="replica-a"]');
      const other = page.locator('#replicas li[data-id="replica-b"]');
      expect(await page.locator('#replicas li').first().getAttribute('data-id')).toBe('replica-a');
      expect(await own.getAttribute('data-differs')).toBe('false');
      expect(await own.textContent()).toContain('this replica');
      expect(await other.getAttribute('data-differs')).toBe('true');
      expect(await other.locator('.dot--missing').count()).toBe(1);
      expect(await other.textContent()).toContain('runs a different key');
      expect(await page.locator('#replicas-note').textContent()).toBe('1 replica runs a different key than this one.');

      // Redis down: the card says so, rather than advising to set REDIS_URL.
      await redis.kill();
      try {
        await page.goto('/settings/license');
        await page.locator('#license[aria-busy="false"]').waitFor({ timeout: 15_000 });
        const note = page.locator('#replicas-note');
        expect(await note.getAttribute('data-bus')).toBe('unavailable');
        expect(await note.textContent()).toBe(
          'Redis is unreachable: the other replicas cannot be listed now. This replica keeps serving with its license.',
        );
        expect(await note.textContent()).not.toContain('REDIS_URL');
        expect(await page.locator('#replicas li').count()).toBe(1);
      } finally {
        await redis.start();
      }
    } finally {
      await context.close();
    }
  });

  it('marks a replica that runs other framework settings (issue 18: the License tab shows one whose settings differ)', async () => {
    // replica-c runs the current key but its own app.toml says soft: as a replica that could not
    // apply a shared change would.
    await writeFile(join(dir, 'soft.toml'), sampleToml({ keyVar, enforcement: 'soft' }));
    const soft = await SampleProcess.start({
      ...base,
      LIBERTY_CONFIG: join(dir, 'soft.toml'),
      [keyVar]: current,
      LIBERTY_REPLICA_ID: 'replica-c',
      LIBERTY_DATA_DIR: join(dir, 'c'),
    });
    const context = await browser.newContext({ baseURL: replicas[0].url });
    try {
      expect(
        (
          await context.request.post('/api/session', { data: { token: 'web-replicas-admin-0123456789abcdef' } })
        ).status(),
      ).toBe(204);
      const page = await context.newPage();
      const deadline = Date.now() + 20_000;
      for (;;) {
        await page.goto('/settings/license');
        await page.locator('#license[aria-busy="false"]').waitFor({ timeout: 15_000 });
        if ((await page.locator('#replicas li[data-id="replica-c"]').count()) === 1) break;
        if (Date.now() > deadline) throw new Error('the page never listed replica-c');
        await page.waitForTimeout(300);
      }
      const other = page.locator('#replicas li[data-id="replica-c"]');
      expect(await other.getAttribute('data-settings-differ')).toBe('true');
      expect(await other.getAttribute('data-differs')).toBe('false'); // same key
      expect(await other.textContent()).toContain('runs different settings');
      expect(await page.locator('#replicas li[data-id="replica-b"]').getAttribute('data-settings-differ')).toBe(
        'false',
      );
      expect(await page.locator('#replicas-note').textContent()).toBe(
        '1 replica runs a different key than this one. 1 replica runs different framework settings than this one.',
      );
    } finally {
      await context.close();
      await soft.stop();
    }
  });
});
