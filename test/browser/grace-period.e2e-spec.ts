import type { Browser } from 'playwright-core';
import { LicenseTestKit } from '@liberty/license/testing';
import { launchChromium, SampleAppFixture } from './support/sample-app-fixture.js';

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

it('shows Accepted, a red "expired — grace until <date>" chip and the grace banner', async () => {
  const api = await fixture.api('GET', '/api/license');
  const view = (await api.json()) as { status: string; expiresAt: string; graceEndsAt: string; expiryLevel: string };
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
    expect(await chip.textContent()).toBe(`expired — grace until ${view.graceEndsAt.slice(0, 10)}`);
    expect(await chip.getAttribute('data-level')).toBe('expired');
    expect(await page.locator('#license-banner').isVisible()).toBe(true);
    expect(await page.locator('#license-banner').getAttribute('data-mode')).toBe('grace');
    expect(await page.locator('#license-banner-text').textContent()).toBe(
      `License expired on ${view.expiresAt.slice(0, 10)} — grace period until ${view.graceEndsAt.slice(0, 10)}; renew the license`,
    );
    // The grace warning is listed with the other warnings.
    expect(await page.locator('#warnings li').allTextContents()).toEqual([
      expect.stringMatching(/^license expired on \d{4}-\d{2}-\d{2} — grace period until /),
    ]);
  } finally {
    await context.close();
  }
}, TIMEOUT);
