import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { LicenseTestKit } from '@liberty/license/testing';
import { launchChromium } from './support/chromium.js';
import { SampleAppFixture } from './support/sample-app-fixture.js';

// Runs in the page (evaluate); the tests compile without the DOM library.
declare const getComputedStyle: (element: unknown) => { color: string; outlineStyle: string };

describe('screens', () => {
  // Every screen of the sample app (DESIGN.md 7a) in a real Chromium against the real app, through
  // restricted (no key) → accepted (key set, re-verified) → expired: the banner on every page, the
  // home page's catalogue, menus and AI tools, Settings → Framework → License, Settings → Connectors
  // with its greyed locked entries, Users with the seat bar and the 402; keyboard use; no console errors.

  const DAY = 86_400;
  const TIMEOUT = 60_000;
  const RESTRICTED = 'Restricted mode — licensed features are disabled: ';
  const SCREENS = ['/', '/settings/license', '/settings/framework/license', '/settings/connectors', '/users'];

  /** Waits until the element's whole text is `text` (the pages update asynchronously). */
  async function textIs(locator: Locator, text: string): Promise<void> {
    const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await locator.filter({ hasText: new RegExp(`^${escaped}$`) }).waitFor({ timeout: 15_000 });
  }

  const FAILED_LOAD = (status: number) =>
    new RegExp(`^Failed to load resource: the server responded with a status of ${status}\\b`);

  const dataIds = (list: Locator) => list.evaluateAll((items) => items.map((item) => item.getAttribute('data-id')));

  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** A signed-in browser page that records console errors and uncaught page errors. */
  async function signedIn(
    fixture: SampleAppFixture,
    token: string,
  ): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
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
      it(
        'shows the restricted banner on every screen, with the shared menu',
        async () => {
          for (const path of SCREENS) {
            await open(page, path);
            expect(await bannerOf(page)).toBe(`${RESTRICTED}Not configured`);
            expect(await page.locator('#app-nav a').allTextContents()).toEqual([
              'Home',
              'AI assistant',
              'Settings › License',
              'Settings › Framework',
              'Settings › Connectors',
              'Users',
            ]);
            expect(await page.locator('#app-nav a[aria-current="page"]').getAttribute('href')).toBe(path);
            expect(await page.locator('#user-name').textContent()).toBe('admin');
          }
        },
        TIMEOUT,
      );

      it(
        'home: only the open connectors; no packaged app; no AI tools (every AI message is refused without a license)',
        async () => {
          await open(page, '/');
          expect(await dataIds(page.locator('#connectors li'))).toEqual(['postgres']);
          expect(await page.locator('#connectors li[data-id="postgres"] .tag').textContent()).toBe('Open');
          expect(await page.locator('#apps-empty').isVisible()).toBe(true);
          expect(await page.locator('#menus-empty').isVisible()).toBe(true);
          expect(await page.locator('#ai-tools').isHidden()).toBe(true);
        },
        TIMEOUT,
      );

      it(
        'connectors: licensed entries greyed with "Locked — requires license <id>", open ones active',
        async () => {
          await open(page, '/settings/connectors');
          expect(await dataIds(page.locator('#connectors tr'))).toEqual(['postgres', 'sap', 'snowflake']);
          for (const id of ['sap', 'snowflake']) {
            const row = page.locator(`#connectors tr[data-id="${id}"]`);
            expect(await row.getAttribute('class')).toBe('is-locked');
            expect(await row.locator('.state').textContent()).toBe(`Locked — requires license ${id}`);
            expect(
              await page
                .getByRole('switch', { name: `Licensed: ${id === 'sap' ? 'SAP S/4HANA' : 'Snowflake'}` })
                .isChecked(),
            ).toBe(true);
          }
          const postgres = page.locator('#connectors tr[data-id="postgres"]');
          expect(await postgres.getAttribute('class')).toBe('');
          expect(await postgres.locator('.state').textContent()).toBe('Active');
          expect(await page.getByRole('switch', { name: 'Licensed: PostgreSQL' }).isChecked()).toBe(false);
          // Greyed: the locked row's text is visibly muted compared with an active one.
          const colour = (locator: Locator) => locator.evaluate((el) => getComputedStyle(el).color);
          expect(await colour(page.locator('#connectors tr[data-id="sap"] td').last())).not.toBe(
            await colour(postgres.locator('.state')),
          );
        },
        TIMEOUT,
      );

      it(
        'connectors: the Licensed toggle works from the keyboard and unlocks or locks at once',
        async () => {
          await open(page, '/settings/connectors');
          const snowflake = page.getByRole('switch', { name: 'Licensed: Snowflake' });
          await snowflake.focus();
          await page.keyboard.press('Space');
          await textIs(page.locator('#connectors tr[data-id="snowflake"] .state'), 'Active');
          await textIs(page.locator('#announcer'), 'Snowflake: not licensed — active.');
          expect(await page.getByRole('switch', { name: 'Licensed: Snowflake' }).isChecked()).toBe(false);
          expect(await page.locator(':focus').getAttribute('id')).toBe('licensed-snowflake');
          // Home lists it now; back on, it is locked again.
          await open(page, '/');
          expect(await dataIds(page.locator('#connectors li'))).toEqual(['postgres', 'snowflake']);
          await open(page, '/settings/connectors');
          await page.getByRole('switch', { name: 'Licensed: Snowflake' }).focus();
          await page.keyboard.press('Space');
          await textIs(
            page.locator('#connectors tr[data-id="snowflake"] .state'),
            'Locked — requires license snowflake',
          );
          expect(await page.locator('#connectors tr[data-id="snowflake"]').getAttribute('class')).toBe('is-locked');
        },
        TIMEOUT,
      );

      it(
        'framework license: shows the settings; invalid values are refused with the error at the field',
        async () => {
          expectedErrors.push(FAILED_LOAD(400));
          await open(page, '/settings/framework/license');
          expect(await page.getByLabel('License key reference').inputValue()).toMatch(
            /^\$\{LIBERTY_WEB_TEST_KEY_[0-9A-F]+\}$/,
          );
          expect(await page.getByLabel('Public key path').inputValue()).toBe('public.pem');
          expect(await page.getByRole('radio', { name: /^Restricted/ }).isChecked()).toBe(true);
          expect(await page.getByLabel('Public key path').getAttribute('readonly')).toBeNull();

          const reference = await page.getByLabel('License key reference').inputValue();
          await page.getByLabel('License key reference').fill('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln');
          await page.getByLabel('Public key path').fill('missing.pem');
          await page.getByLabel('Public key path').press('Enter');
          await page.locator('#license_key-error:not(:empty)').waitFor();
          expect(await page.locator('#license_key-error').textContent()).toContain(
            'license_key looks like a license key (JWT)',
          );
          expect(await page.getByLabel('License key reference').getAttribute('aria-invalid')).toBe('true');
          // The pasted key does not stay on screen: the field is back to the saved reference.
          expect(await page.getByLabel('License key reference').inputValue()).toBe(reference);
          await textIs(page.locator('#announcer'), 'Not saved: see the errors above.');

          // With the reference valid again, the path is checked next and refused at its field.
          await page.getByRole('button', { name: 'Save' }).click();
          await page.locator('#public_key_path-error:not(:empty)').waitFor();
          expect(await page.locator('#public_key_path-error').textContent()).toMatch(
            /^public_key_path: public key unavailable \(/,
          );
          expect(await page.locator('#license_key-error').textContent()).toBe('');
          // Nothing was saved.
          expect(await (await fixture.api('GET', '/api/settings/framework/license')).json()).toMatchObject({
            public_key_path: 'public.pem',
          });
        },
        TIMEOUT,
      );

      it(
        'framework license: saving soft enforcement re-verifies and changes the banner at once',
        async () => {
          await open(page, '/settings/framework/license');
          await page.getByRole('radio', { name: /^Soft/ }).check();
          await page.getByRole('button', { name: 'Save' }).click();
          await textIs(page.locator('#announcer'), 'Saved. The license was re-verified with these settings.');
          await textIs(page.locator('#license-banner-text'), 'No license — activate to remove this notice');
          expect(await page.locator('#license-banner').getAttribute('data-mode')).toBe('soft');

          await page.getByRole('radio', { name: /^Restricted/ }).check();
          await page.getByRole('button', { name: 'Save' }).click();
          await textIs(page.locator('#license-banner-text'), `${RESTRICTED}Not configured`);
          expect(await page.locator('#license-banner').getAttribute('data-mode')).toBe('restricted');
        },
        TIMEOUT,
      );

      it(
        'users: no cap without a key; the list and the seat count',
        async () => {
          await open(page, '/users');
          expect(await page.locator('#seats-text').textContent()).toBe('1 enabled user · no user cap in the license');
          expect(await page.locator('#seats-bar').isHidden()).toBe(true);
          expect(await dataIds(page.locator('#users tr'))).toEqual(['admin']);
          // One checkbox per permission the app knows.
          expect(
            await page
              .locator('#permissions input')
              .evaluateAll((inputs) => inputs.map((i) => i.getAttribute('value'))),
          ).toEqual(['license:read', 'license:write', 'settings:framework', 'users:write', 'metrics:read']);
        },
        TIMEOUT,
      );
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

      it(
        'shows no banner on any screen',
        async () => {
          for (const path of SCREENS) {
            await open(page, path);
            expect(await bannerOf(page)).toBeNull();
          }
        },
        TIMEOUT,
      );

      it(
        'home: the licensed connector, the packaged app, its menus and tools',
        async () => {
          await open(page, '/');
          expect(await dataIds(page.locator('#connectors li'))).toEqual(['postgres', 'sap']);
          expect(await page.locator('#connectors li[data-id="sap"]').textContent()).toBe('SAP S/4HANA sapLicensed');
          expect(await dataIds(page.locator('#apps li'))).toEqual(['nomajde']);
          expect(await page.locator('#menus a').allTextContents()).toEqual([
            'NomaJDE › Address Book',
            'NomaJDE › Sales Orders',
          ]);
          expect(await dataIds(page.locator('#tools li'))).toEqual([
            'postgres.query',
            'postgres.describe',
            'sap.query',
            'sap.describe',
          ]);
        },
        TIMEOUT,
      );

      it(
        "home: a packaged app's menu entry opens its screen",
        async () => {
          await open(page, '/');
          await page.getByRole('link', { name: 'NomaJDE › Sales Orders' }).press('Enter');
          await page.waitForURL((url) => url.pathname === '/apps/nomajde/sales-orders');
          await page.waitForSelector('body[data-ready="true"]');
          expect(await page.locator('h1').textContent()).toBe('Sales Orders');
          expect(await page.locator('#app-name').textContent()).toBe('NomaJDE');
          expect(await page.locator('body').getAttribute('data-available')).toBe('true');
          expect(await bannerOf(page)).toBeNull();
        },
        TIMEOUT,
      );

      it(
        'connectors: the licensed one is active, the other still greyed and locked',
        async () => {
          await open(page, '/settings/connectors');
          expect(await page.locator('#connectors tr[data-id="sap"] .state').textContent()).toBe('Active');
          expect(await page.locator('#connectors tr[data-id="sap"]').getAttribute('class')).toBe('');
          expect(await page.locator('#connectors tr[data-id="snowflake"] .state').textContent()).toBe(
            'Locked — requires license snowflake',
          );
        },
        TIMEOUT,
      );

      it(
        'users: creates a user from the keyboard, then shows the 402 as a message at the cap',
        async () => {
          expectedErrors.push(FAILED_LOAD(402));
          await open(page, '/users');
          const seats = page.getByRole('progressbar', { name: 'Seats' });
          expect(await seats.getAttribute('aria-valuemax')).toBe('2');
          expect(await seats.getAttribute('aria-valuenow')).toBe('1');
          expect(await page.locator('#seats-text').textContent()).toBe('1 of 2 seats used · 50 %');

          await page.getByLabel('Name').fill('Ana');
          await page.getByRole('checkbox', { name: 'license:read' }).check();
          await page.getByLabel('Name').press('Enter');
          await page.locator('#token-box:not([hidden])').waitFor();
          expect(await page.locator('#created-text').textContent()).toBe(
            'Ana was created. Copy their access token now: it is not shown again.',
          );
          expect(await page.locator('#new-token').inputValue()).toMatch(/^[\w-]{20,}$/);
          await textIs(page.locator('#seats-text'), '2 of 2 seats used · 100 % — cap reached');
          expect(await seats.getAttribute('data-level')).toBe('full');
          expect(await page.locator('#users tr[data-id] th').allTextContents()).toEqual(['admin', 'Ana']);

          await page.getByLabel('Name').fill('Ben');
          await page.getByRole('button', { name: 'Create user' }).press('Enter');
          await page.locator('#create-error:not([hidden])').waitFor();
          expect(await page.locator('#create-error').textContent()).toBe(
            'The user was not created: Seat limit reached — the license allows 2 enabled users and 2 are enabled. Disable a user or extend the license.',
          );
          expect(await page.locator('#token-box').isHidden()).toBe(true);
          expect(await page.locator('#users tr[data-id] th').allTextContents()).toEqual(['admin', 'Ana']);
          expect(await page.locator(':focus').getAttribute('id')).toBe('create-error');
        },
        TIMEOUT,
      );

      it(
        'users: disabling frees a seat; enabling beyond the cap shows the 402 message',
        async () => {
          expectedErrors.push(FAILED_LOAD(402));
          await open(page, '/users');
          await page.getByRole('button', { name: 'Disable Ana' }).click();
          await textIs(page.locator('#seats-text'), '1 of 2 seats used · 50 %');
          expect(await page.locator('#users tr:has(th:text-is("Ana")) .state').textContent()).toBe('Disabled');
          // Another user takes the freed seat; enabling Ana again is refused.
          await page.getByLabel('Name').fill('Ben');
          await page.getByRole('button', { name: 'Create user' }).click();
          await textIs(page.locator('#seats-text'), '2 of 2 seats used · 100 % — cap reached');
          await page.getByRole('button', { name: 'Enable Ana' }).click();
          await page.locator('#users-error:not([hidden])').waitFor();
          expect(await page.locator('#users-error').textContent()).toBe(
            'Ana was not enabled: Seat limit reached — the license allows 2 enabled users and 2 are enabled. Disable a user or extend the license.',
          );
          expect(await page.locator('#users tr:has(th:text-is("Ana")) .state').textContent()).toBe('Disabled');
        },
        TIMEOUT,
      );
    });

    describe('expired', () => {
      beforeAll(async () => {
        await reverifyWith(
          await kit.issue({
            claims: { customer: 'Acme Corp', features: { connectors: ['sap'], apps: ['nomajde'] } },
            expiresInSeconds: -DAY,
          }),
        );
      });

      it(
        'shows the restricted banner with the expiry on every screen',
        async () => {
          for (const path of SCREENS) {
            await open(page, path);
            expect(await bannerOf(page)).toMatch(
              new RegExp(`^${RESTRICTED}Rejected — expired \\(\\d{4}-\\d{2}-\\d{2}\\)$`),
            );
          }
        },
        TIMEOUT,
      );

      it(
        'home: back to the open connectors only',
        async () => {
          await open(page, '/');
          expect(await dataIds(page.locator('#connectors li'))).toEqual(['postgres']);
          expect(await page.locator('#apps-empty').isVisible()).toBe(true);
          expect(await page.locator('#ai-tools').isHidden()).toBe(true);
        },
        TIMEOUT,
      );

      it(
        "a packaged app's screen says it is not available once the license expired",
        async () => {
          await open(page, '/apps/nomajde/sales-orders');
          expect(await page.locator('h1').textContent()).toBe('Not available');
          expect(await page.locator('body').getAttribute('data-available')).toBe('false');
          expect(await bannerOf(page)).toMatch(new RegExp(`^${RESTRICTED}Rejected — expired`));
        },
        TIMEOUT,
      );

      it(
        'connectors: the licensed one is locked and greyed again',
        async () => {
          await open(page, '/settings/connectors');
          expect(await page.locator('#connectors tr[data-id="sap"]').getAttribute('class')).toBe('is-locked');
          expect(await page.locator('#connectors tr[data-id="sap"] .state').textContent()).toBe(
            'Locked — requires license sap',
          );
        },
        TIMEOUT,
      );

      it(
        'users: existing users stay; the list and seats still show',
        async () => {
          await open(page, '/users');
          expect(await page.locator('#users tr[data-id] th').allTextContents()).toEqual(['admin', 'Ana', 'Ben']);
          expect(await page.locator('#seats-text').textContent()).toMatch(
            /^2 (of \d+ seats used|enabled users · no user cap)/,
          );
        },
        TIMEOUT,
      );
    });

    describe('keyboard', () => {
      it(
        'skip link, menu and focus ring: every screen is reachable with Tab and Enter',
        async () => {
          await open(page, '/');
          await page.keyboard.press('Tab');
          expect(await page.locator(':focus').textContent()).toBe('Skip to content');
          const outline = await page.locator(':focus').evaluate((el) => getComputedStyle(el).outlineStyle);
          expect(outline).not.toBe('none');
          await page.keyboard.press('Enter');
          expect(await page.locator(':focus').getAttribute('id')).toBe('main');

          for (const [label, path] of [
            ['Settings › Connectors', '/settings/connectors'],
            ['Users', '/users'],
            ['Settings › Framework', '/settings/framework/license'],
            ['Settings › License', '/settings/license'],
            ['Home', '/'],
          ] as const) {
            await page.locator('body').focus();
            let focused: string | null = null;
            for (let i = 0; i < 15 && focused !== label; i++) {
              await page.keyboard.press('Tab');
              focused = await page.locator(':focus').textContent();
            }
            expect(focused).toBe(label);
            expect(await page.locator(':focus').evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
            await page.keyboard.press('Enter');
            await page.waitForURL((url) => url.pathname === path);
            await page.waitForSelector('body[data-ready="true"]');
          }
        },
        TIMEOUT,
      );
    });
  });

  describe('banners in soft enforcement (Chromium)', () => {
    let kit: LicenseTestKit;
    let fixture: SampleAppFixture;
    let admin: { context: BrowserContext; page: Page; errors: string[] };

    beforeAll(async () => {
      kit = await LicenseTestKit.create();
      fixture = await SampleAppFixture.start({ publicKey: kit.publicKey, enforcement: 'soft' });
      admin = await signedIn(fixture, fixture.adminToken);
    }, 60_000);

    afterAll(async () => {
      await admin?.context.close();
      await fixture?.close();
    });

    it.each([
      ['no key', async () => undefined, 'No license — activate to remove this notice'],
      ['an expired key', async () => kit.issue({ expiresInSeconds: -DAY }), 'License expired'],
      [
        'a key of another signer',
        async () => (await LicenseTestKit.create()).issue(),
        'License rejected — signature invalid',
      ],
    ])(
      '%s: the soft banner on every screen',
      async (_, key, text) => {
        fixture.setKey(await key());
        expect((await fixture.api('POST', '/api/license/reverify')).status).toBe(200);
        for (const path of SCREENS) {
          await open(admin.page, path);
          expect(await bannerOf(admin.page)).toBe(text);
          expect(await admin.page.locator('#license-banner').getAttribute('data-mode')).toBe('soft');
        }
        expect(admin.errors).toEqual([]);
      },
      TIMEOUT,
    );
  });

  describe('a user without settings or users permissions (Chromium)', () => {
    let fixture: SampleAppFixture;

    beforeAll(async () => {
      const kit = await LicenseTestKit.create();
      fixture = await SampleAppFixture.start({ publicKey: kit.publicKey });
    }, 60_000);

    afterAll(async () => {
      await fixture?.close();
    });

    it(
      'sees home without the no-key notice and only the menu entries it may open; the others answer with a 403 page',
      async () => {
        const viewer = await signedIn(fixture, await fixture.createUser('viewer', []));
        try {
          await open(viewer.page, '/');
          // No key is the normal unlicensed mode: its notice goes to users who can act (license:read) only (issue 23).
          expect(await bannerOf(viewer.page)).toBeNull();
          expect(await viewer.page.locator('#app-nav a').allTextContents()).toEqual(['Home', 'AI assistant']);
          expect(await viewer.page.locator('#user-name').textContent()).toBe('viewer');
          for (const [path, permission] of [
            ['/settings/framework/license', 'settings:framework'],
            ['/settings/connectors', 'settings:framework'],
            ['/users', 'users:write'],
          ]) {
            const response = await viewer.page.goto(path);
            expect(response?.status()).toBe(403);
            expect(await viewer.page.locator('main').textContent()).toContain(
              `This page needs the permission ${permission}.`,
            );
          }
          expect(viewer.errors.filter((e) => !FAILED_LOAD(403).test(e))).toEqual([]);
        } finally {
          await viewer.context.close();
        }
      },
      TIMEOUT,
    );

    it(
      'with settings:framework but not license:write, the public key path is read-only',
      async () => {
        const settings = await signedIn(fixture, await fixture.createUser('settings', ['settings:framework']));
        try {
          await open(settings.page, '/settings/framework/license');
          expect(await settings.page.getByLabel('Public key path').getAttribute('readonly')).toBe('');
          expect(await settings.page.locator('#public_key_path-lock').isVisible()).toBe(true);
          expect(await settings.page.locator('#app-nav a').allTextContents()).toEqual([
            'Home',
            'AI assistant',
            'Settings › Framework',
            'Settings › Connectors',
          ]);
          expect(settings.errors).toEqual([]);
        } finally {
          await settings.context.close();
        }
      },
      TIMEOUT,
    );
  });
});
