import type { Browser } from 'playwright-core';
import { LicenseTestKit } from '@liberty/license/testing';
import { launchChromium } from './support/chromium.js';
import { SampleAppFixture } from './support/sample-app-fixture.js';

describe('grace-period', () => {
  // A key inside its grace period (`[license] grace_days`), in a real Chromium: still Accepted, the
  // expiry chip red with "expired — grace until <date>", and the banner saying so.

  const DAY = 86_400;
  const TIMEOUT = 30_000;

  let browser: Browser;
  let fixture: SampleAppFixture;

  beforeAll(async () => {
    const kit = await LicenseTestKit.create();
    const now = Math.floor(Date.now() / 1000);
    // Expired two days ago; grace_days = 10 keeps it accepted for eight more days.
    const key = await kit.issue({ claims: { iat: now - 30 * DAY, nbf: now - 30 * DAY, exp: now - 2 * DAY } });
    [browser, fixture] = await Promise.all([
      launchChromium(),
      SampleAppFixture.start({ publicKey: kit.publicKey, licenseKey: key, licenseSettings: 'grace_days = 10' }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  it(
    'shows Accepted, a red "Expired <date> · grace until <date>" chip and the grace banner, one date format',
    async () => {
      const api = await fixture.api('GET', '/api/license');
      const view = (await api.json()) as {
        status: string;
        expiresAt: string;
        graceEndsAt: string;
        expiryLevel: string;
      };
      expect(view).toMatchObject({ status: 'accepted', expiryLevel: 'expired' });
      expect(Date.parse(view.graceEndsAt) - Date.parse(view.expiresAt)).toBe(10 * DAY * 1000);

      const context = await browser.newContext({ baseURL: fixture.baseUrl });
      try {
        await context.request.post('/api/session', { data: { token: fixture.adminToken } });
        const page = await context.newPage();
        await page.goto('/settings/license');
        await page.waitForSelector('body[data-ready="true"]');
        expect(await page.locator('#status-label').textContent()).toBe('Accepted');
        const chip = page.locator('#expiry-chip');
        // One format for the grace period, dates for people (issue 23): chip, status line and banner.
        const human = (iso: string) =>
          new Date(iso).toLocaleDateString('en-GB', {
            day: 'numeric',
            month: 'long',
            year: 'numeric',
            timeZone: 'UTC',
          });
        expect(await chip.textContent()).toBe(
          `Expired ${human(view.expiresAt)} · grace until ${human(view.graceEndsAt)}`,
        );
        expect(await chip.getAttribute('data-level')).toBe('expired');
        expect(await page.locator('#license-banner').isVisible()).toBe(true);
        expect(await page.locator('#license-banner').getAttribute('data-mode')).toBe('grace');
        expect(await page.locator('#license-banner-text').textContent()).toBe(
          `License expired on ${human(view.expiresAt)} — grace period until ${human(view.graceEndsAt)}; renew the license`,
        );
        expect(await page.locator('#status-badge').textContent()).toBe('Grace period');
        expect(await page.locator('#status-summary').textContent()).toBe(
          `Expired on ${human(view.expiresAt)} — licensed features keep working until ${human(view.graceEndsAt)} (grace period).`,
        );
        // The library's grace warning (an ISO timestamp) is not repeated in the warnings list.
        expect(await page.locator('#warnings').isHidden()).toBe(true);
        expect(await page.locator('main').textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
      } finally {
        await context.close();
      }
    },
    TIMEOUT,
  );
});
