import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { LicenseTestKit } from '@liberty/license/testing';
import { launchChromium } from './support/chromium.js';
import { SampleAppFixture } from './support/sample-app-fixture.js';

describe('license-page', () => {
  // The License page in a real Chromium against the real sample app: login, the Accepted view with
  // its chips, Re-verify after the key changed, restricted mode's banner, and refusals.

  const DAY = 86_400;
  const TIMEOUT = 30_000;

  /** Waits until the element's whole text is `text` (the page updates asynchronously). */
  async function textIs(locator: Locator, text: string): Promise<void> {
    const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await locator.filter({ hasText: new RegExp(`^${escaped}$`) }).waitFor({ timeout: 10_000 });
  }

  // One browser for the file; each describe starts its own app.
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  describe('License page (Chromium)', () => {
    let kit: LicenseTestKit;
    let fixture: SampleAppFixture;
    let admin: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      kit = await LicenseTestKit.create();
      const acme = await kit.issue({
        claims: {
          customer: 'Acme Corp',
          edition: 'enterprise',
          instance: 'prod-eu-west',
          features: {
            // netsuite is licensed but not defined in this install: red dot.
            connectors: ['sap', 'netsuite'],
            apps: ['nomajde'],
            users: { max: 10 },
            ai: { providers: ['anthropic'], messagesPerDay: 500 },
          },
        },
        expiresInSeconds: 20 * DAY,
      });
      fixture = await SampleAppFixture.start({ publicKey: kit.publicKey, licenseKey: acme });
      admin = await browser.newContext({ baseURL: fixture.baseUrl });
      page = await admin.newPage();
    }, 60_000);

    afterAll(async () => {
      await admin?.close();
      await fixture?.close();
    });

    const byId = (id: string) => page.locator(`#${id}`);

    it(
      'sends an unauthenticated visitor to the login page, and back after signing in',
      async () => {
        const response = await page.goto('/settings/license');
        expect(response?.status()).toBe(200);
        expect(new URL(page.url()).pathname).toBe('/login');
        expect(new URL(page.url()).searchParams.get('next')).toBe('/settings/license');

        await page.getByLabel('Access token').fill('not-a-token');
        await page.keyboard.press('Enter');
        await textIs(byId('login-error'), 'This token is not valid.');
        expect(new URL(page.url()).pathname).toBe('/login');

        await page.getByLabel('Access token').fill(fixture.adminToken);
        await page.keyboard.press('Enter');
        await page.waitForURL('**/settings/license');
        await page.waitForSelector('body[data-ready="true"]');
      },
      TIMEOUT,
    );

    it(
      'shows an accepted license: status, customer, chips, red dots, user cap, AI',
      async () => {
        expect(await byId('status-label').textContent()).toBe('Accepted');
        // 20 days before expiry: the expiry warning banner (issue 23), yellow, for a license:read holder.
        await byId('license-banner').and(page.locator('[data-mode="expiring"]')).waitFor();
        expect(await byId('license-banner').getAttribute('data-tone')).toBe('warning');
        expect(await byId('license-banner-text').textContent()).toMatch(
          /^The license expires on \d{1,2} [A-Z][a-z]+ \d{4} — 19 days left; renew it before then$/,
        );
        expect(await byId('customer').textContent()).toBe('Acme Corp');
        expect(await byId('edition').textContent()).toBe('enterprise');
        expect(await byId('instance').textContent()).toBe('prod-eu-west');

        const chip = byId('expiry-chip');
        expect(await chip.getAttribute('data-level')).toBe('warning');
        expect(await chip.getAttribute('class')).toContain('chip--warning');
        // A 20-day key seen a moment later has 19 full days left: never rounded up (issue 23).
        expect(await chip.textContent()).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4} · 19 days left$/);

        const sap = page.locator('#connectors li[data-id="sap"]');
        const netsuite = page.locator('#connectors li[data-id="netsuite"]');
        expect(await sap.locator('.dot--missing').count()).toBe(0);
        expect(await sap.textContent()).toBe('sap');
        expect(await netsuite.locator('.dot--missing').count()).toBe(1);
        expect(await netsuite.locator('code').textContent()).toBe('netsuite');
        expect(await netsuite.textContent()).toContain('not defined in this install');
        expect(await page.locator('#apps li[data-id="nomajde"]').getAttribute('data-defined')).toBe('true');

        const users = page.getByRole('progressbar', { name: 'Users' });
        expect(await users.getAttribute('aria-valuemax')).toBe('10');
        expect(Number(await users.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(1);
        expect(await users.getAttribute('data-level')).toBe('ok');

        expect(await page.locator('#ai-providers li').allTextContents()).toEqual(['anthropic']);
        expect(await byId('ai-usage').textContent()).toMatch(/^\d+ \/ 500$/);
        expect(await page.getByRole('button', { name: 'Re-verify' }).isVisible()).toBe(true);
      },
      TIMEOUT,
    );

    it(
      're-verifies from the keyboard after the key changed, without a reload',
      async () => {
        fixture.setKey(
          await kit.issue({
            claims: {
              customer: 'Globex Inc',
              edition: 'standard',
              instance: undefined,
              features: {
                connectors: ['snowflake'],
                apps: [],
                users: { max: 1 },
                ai: { providers: [], messagesPerDay: 0 },
              },
            },
            expiresInSeconds: 5 * DAY,
          }),
        );
        // From the top of the page, Tab reaches the button: it is in the focus order.
        await page.reload();
        await page.waitForSelector('body[data-ready="true"]');
        let focused: string | null = null;
        for (let i = 0; i < 20 && focused !== 'reverify'; i++) {
          await page.keyboard.press('Tab');
          focused = await page.locator(':focus').getAttribute('id');
        }
        expect(focused).toBe('reverify');
        expect(await byId('customer').textContent()).toBe('Acme Corp'); // not re-verified yet
        await page.keyboard.press('Enter');

        await textIs(byId('announcer'), 'Re-verified: Accepted — Globex Inc.');
        expect(await byId('customer').textContent()).toBe('Globex Inc');
        expect(await byId('status-label').textContent()).toBe('Accepted');
        expect(await byId('edition').textContent()).toBe('standard');
        expect(await byId('instance').textContent()).toBe('—');
        expect(await byId('expiry-chip').getAttribute('data-level')).toBe('critical');
        expect(
          await page.locator('#connectors li').evaluateAll((items) => items.map((li) => li.getAttribute('data-id'))),
        ).toEqual(['snowflake']);
        const users = page.getByRole('progressbar', { name: 'Users' });
        expect(await users.getAttribute('aria-valuemax')).toBe('1');
        expect(await users.getAttribute('data-level')).toBe('full');
        expect(await byId('ai-providers-empty').isVisible()).toBe(true);
        expect(page.url()).toMatch(/\/settings\/license$/);
      },
      TIMEOUT,
    );

    it(
      'shows the restricted-mode banner when the key is rejected',
      async () => {
        const otherSigner = await LicenseTestKit.create();
        fixture.setKey(await otherSigner.issue());
        await byId('reverify').focus();
        await page.keyboard.press('Enter');
        await textIs(byId('status-label'), 'Rejected — signature invalid');
        await textIs(
          byId('license-banner-text'),
          'Restricted mode — licensed features are disabled: Rejected — signature invalid',
        );

        expect(await byId('status-label').textContent()).toBe('Rejected — signature invalid');
        expect(await byId('license-banner').isVisible()).toBe(true);
        expect(await byId('license-banner-text').textContent()).toBe(
          'Restricted mode — licensed features are disabled: Rejected — signature invalid',
        );
        expect(await page.locator('#connectors li').count()).toBe(0);

        // After a reload (a fresh page load reads the same state), the banner is still there.
        await page.reload();
        await page.waitForSelector('body[data-ready="true"]');
        expect(await byId('license-banner-text').textContent()).toBe(
          'Restricted mode — licensed features are disabled: Rejected — signature invalid',
        );
      },
      TIMEOUT,
    );

    it(
      'refuses a user without license:read with a 403 page, and hides Re-verify without license:write',
      async () => {
        const viewerToken = await fixture.createUser(`viewer-${Date.now()}`, []);
        const readerToken = await fixture.createUser(`reader-${Date.now()}`, ['license:read']);

        const viewer = await browser.newContext({ baseURL: fixture.baseUrl });
        try {
          expect((await viewer.request.post('/api/session', { data: { token: viewerToken } })).status()).toBe(204);
          const viewerPage = await viewer.newPage();
          const response = await viewerPage.goto('/settings/license');
          expect(response?.status()).toBe(403);
          expect(await viewerPage.getByRole('heading', { level: 1 }).textContent()).toBe('Access denied');
          expect(await viewerPage.locator('main').textContent()).toContain(
            'This page needs the permission license:read.',
          );
          expect(await viewerPage.locator('#reverify').count()).toBe(0);
        } finally {
          await viewer.close();
        }

        const reader = await browser.newContext({ baseURL: fixture.baseUrl });
        try {
          expect((await reader.request.post('/api/session', { data: { token: readerToken } })).status()).toBe(204);
          const readerPage = await reader.newPage();
          expect((await readerPage.goto('/settings/license'))?.status()).toBe(200);
          await readerPage.waitForSelector('body[data-ready="true"]');
          expect(await readerPage.locator('#status-label').textContent()).toBe('Rejected — signature invalid');
          expect(await readerPage.locator('#reverify').isHidden()).toBe(true);
        } finally {
          await reader.close();
        }
      },
      TIMEOUT,
    );

    it(
      'never puts the license key in the page',
      async () => {
        const token = await kit.issue({ claims: { customer: 'Initech' } });
        fixture.setKey(token);
        await byId('reverify').focus();
        await page.keyboard.press('Enter');
        await textIs(byId('customer'), 'Initech');
        const html = await page.content();
        expect(html).not.toContain(token.split('.')[2]);
        expect(html).not.toContain(token.split('.')[1].slice(0, 40));
      },
      TIMEOUT,
    );
  });

  describe('License page in soft enforcement (Chromium)', () => {
    let fixture: SampleAppFixture;

    beforeAll(async () => {
      const kit = await LicenseTestKit.create();
      fixture = await SampleAppFixture.start({ publicKey: kit.publicKey, enforcement: 'soft' });
    }, 60_000);

    afterAll(async () => {
      await fixture?.close();
    });

    it(
      'shows the unlicensed banner when no key is configured',
      async () => {
        const context = await browser.newContext({ baseURL: fixture.baseUrl });
        try {
          await context.request.post('/api/session', { data: { token: fixture.adminToken } });
          const page = await context.newPage();
          await page.goto('/settings/license');
          await page.waitForSelector('body[data-ready="true"]');
          expect(await page.locator('#status-label').textContent()).toBe('Not configured');
          expect(await page.locator('#license-banner-text').textContent()).toBe(
            'No license — activate to remove this notice',
          );
          expect(await page.locator('#license-banner').getAttribute('data-mode')).toBe('soft');
        } finally {
          await context.close();
        }
      },
      TIMEOUT,
    );
  });
});
