import type { Browser } from 'playwright-core';
import { LicenseTestKit } from '@liberty/license/testing';
import { UsageHistoryStore } from '../../apps/sample/src/usage-history/usage-history.store.js';
import { launchChromium } from './support/chromium.js';
import { SampleAppFixture } from './support/sample-app-fixture.js';

describe('usage-chart', () => {
  // The License page's usage chart in a real Chromium: the last 30 days as inline SVG bars (peak
  // enabled users), red above the cap, a dashed cap line, and a one-line summary.

  const TIMEOUT = 30_000;
  const DAY_MS = 86_400_000;

  let browser: Browser;
  let fixture: SampleAppFixture;
  const today = new Date().toISOString().slice(0, 10);
  const daysAgo = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * DAY_MS).toISOString().slice(0, 10);

  beforeAll(async () => {
    const kit = await LicenseTestKit.create();
    const key = await kit.issue({
      claims: { features: { users: { max: 3 }, ai: { providers: ['anthropic'], messagesPerDay: 100 } } },
    });
    [browser, fixture] = await Promise.all([
      launchChromium(),
      SampleAppFixture.start({ publicKey: kit.publicKey, licenseKey: key }),
    ]);
    const store = fixture.app.get(UsageHistoryStore);
    for (let n = 1; n < 30; n++) {
      await store.record({ day: daysAgo(n), peakUsers: n === 5 || n === 12 ? 5 : 2, aiMessages: n === 3 ? 150 : 10 });
    }
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  it(
    'draws 30 bars (two over the cap, in red), the cap line and the summary',
    async () => {
      const context = await browser.newContext({ baseURL: fixture.baseUrl });
      try {
        await context.request.post('/api/session', { data: { token: fixture.adminToken } });
        const page = await context.newPage();
        await page.goto('/settings/license');
        await page.waitForSelector('body[data-ready="true"]');
        await page.waitForSelector('#usage-chart[data-ready="true"]');
        const bars = page.locator('#usage-chart rect');
        expect(await bars.count()).toBe(30);
        expect(await bars.first().getAttribute('data-day')).toBe(daysAgo(29));
        expect(await bars.last().getAttribute('data-day')).toBe(today);
        const over = page.locator('#usage-chart rect[data-over="true"]');
        expect(await over.count()).toBe(2);
        expect(
          await over.evaluateAll((rects) =>
            rects.map(
              (r) =>
                (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(r).fill,
            ),
          ),
        ).toEqual(['rgb(163, 38, 23)', 'rgb(163, 38, 23)']); // the over-cap red, darker since issue 23 (contrast)
        expect(await page.locator('#usage-chart line').getAttribute('data-cap')).toBe('3');
        expect(await page.locator(`#usage-chart rect[data-day="${daysAgo(5)}"] title`).textContent()).toBe(
          `${daysAgo(5)}: 5 users, 10 AI messages`,
        );
        // Today: the admin is the one enabled user (sampled when the report was asked for).
        expect(await page.locator(`#usage-chart rect[data-day="${today}"] title`).textContent()).toBe(
          `${today}: 1 user, 0 AI messages`,
        );
        expect(await page.locator('#usage-summary').textContent()).toBe(
          'Peak 5 enabled users (cap 3) · 2 days over the user cap · AI messages: peak 150/day (cap 100), 1 day over',
        );
        expect(await page.locator('#usage-csv').getAttribute('href')).toBe('/api/license/usage?format=csv');
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );
});
