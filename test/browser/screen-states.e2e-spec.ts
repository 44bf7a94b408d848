import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { LicenseTestKit } from '@liberty/license/testing';
import { createSampleApp } from '../../apps/sample/src/app.js';
import { launchChromium } from './support/chromium.js';
import {
  axeSource,
  LICENSE_STATES,
  PAGES,
  seriousViolations,
  sidewaysOverflow,
  startInState,
  WIDTHS,
  type LicenseStateName,
  type StateApp,
} from './support/license-states.js';

// Runs in the page (evaluate); the tests compile without the DOM library.
declare const window: { scrollY: number };

describe('screen-states', () => {
  // Every page in every license state (not configured, accepted, expiring in ≤30 and ≤7 days, grace,
  // expired, rejected, user cap reached, over the cap), in Chromium at 320, 390 and 1280 px: no
  // sideways scroll, axe finds no serious or critical violation, and the colours and texts agree
  // with the status (issue 23). Then the HTML 404 and 403 pages and the Connectors page's toggles.

  const TIMEOUT = 240_000;

  let browser: Browser;
  let kit: LicenseTestKit;
  let axe: string;

  beforeAll(async () => {
    [browser, kit] = await Promise.all([launchChromium(), LicenseTestKit.create()]);
    axe = axeSource();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function signedIn(
    app: StateApp,
    width: number,
    token = app.adminToken,
  ): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    // bypassCSP: axe is injected as an inline script, which the pages' CSP (rightly) refuses.
    const context = await browser.newContext({
      baseURL: app.baseUrl,
      viewport: { width, height: 800 },
      bypassCSP: true,
    });
    const response = await context.request.post('/api/session', { data: { token } });
    if (response.status() !== 204) throw new Error(`sign-in answered ${response.status()}`);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    return { context, page, errors };
  }

  async function open(page: Page, path: string): Promise<void> {
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  }

  /** What the License page shows about the status, per state: the colours all come from one decision. */
  const EXPECTED: Record<
    LicenseStateName,
    { tone: string; badge: string; chip: string | null; dots: string; meter: string; banner: string | null }
  > = {
    'not-configured': { tone: 'neutral', badge: '', chip: null, dots: 'none', meter: 'none', banner: 'info' },
    accepted: { tone: 'ok', badge: '', chip: 'ok', dots: 'working', meter: 'ok', banner: null },
    warning: {
      tone: 'warning',
      badge: 'Expires soon',
      chip: 'warning',
      dots: 'working',
      meter: 'ok',
      banner: 'warning',
    },
    critical: {
      tone: 'critical',
      badge: 'Expires soon',
      chip: 'critical',
      dots: 'working',
      meter: 'ok',
      banner: 'critical',
    },
    grace: {
      tone: 'critical',
      badge: 'Grace period',
      chip: 'critical',
      dots: 'working',
      meter: 'ok',
      banner: 'critical',
    },
    expired: { tone: 'critical', badge: '', chip: 'critical', dots: 'inactive', meter: 'inactive', banner: 'critical' },
    rejected: { tone: 'critical', badge: '', chip: 'neutral', dots: 'inactive', meter: 'inactive', banner: 'critical' },
    'cap-reached': {
      tone: 'warning',
      badge: 'User cap reached',
      chip: 'ok',
      dots: 'working',
      meter: 'full',
      banner: null,
    },
    'over-cap': {
      tone: 'critical',
      badge: 'Over the user cap',
      chip: 'ok',
      dots: 'working',
      meter: 'over',
      banner: null,
    },
  };

  it("the pages' scripts never read the viewport's width (so a resize lays a page out as a load at that width)", () => {
    const web = join(process.cwd(), 'apps/sample/web');
    const scripts = ['assets', 'partials', '.'].flatMap((dir) =>
      readdirSync(join(web, dir))
        .filter((file) => /\.(js|html)$/.test(file))
        .map((file) => join(dir, file)),
    );
    expect(scripts.length).toBeGreaterThan(10);
    const readers = scripts.filter((file) =>
      /innerWidth|outerWidth|matchMedia|clientWidth|offsetWidth|screen\.width|ResizeObserver|['"]resize['"]/.test(
        readFileSync(join(web, file), 'utf8'),
      ),
    );
    expect(readers).toEqual([]);
  });

  describe.each(LICENSE_STATES)('license state %s (Chromium)', (state) => {
    let app: StateApp;

    beforeAll(async () => {
      app = await startInState(state, { kit, createSampleApp });
    }, 60_000);

    afterAll(async () => {
      await app?.close();
    });

    it(
      `every page: no sideways scroll at ${WIDTHS.join(', ')} px; no serious or critical axe violation`,
      async () => {
        // One load per page, then the viewport resized through the widths: the pages' layout is CSS
        // alone (media queries; no script reads the width), so a resize lays a page out as a load at
        // that width would — a third of the loads and axe injections of a context per width.
        const overflowing: string[] = [];
        const violations: string[] = [];
        const { context, page, errors } = await signedIn(app, WIDTHS[0]);
        try {
          for (const { path } of PAGES) {
            await open(page, path);
            for (const width of WIDTHS) {
              await page.setViewportSize({ width, height: 800 });
              const overflow = await sidewaysOverflow(page);
              if (overflow > 0) overflowing.push(`${path} at ${width} px: ${overflow} px too wide`);
              // Colours and names do not depend on the width: one scan per page, on the phone and the desktop.
              if (width !== 320) {
                for (const v of await seriousViolations(page, axe))
                  violations.push(`${path} at ${width} px: ${v.id} (${v.impact}) ${v.targets.join(', ')}`);
              }
            }
          }
        } finally {
          await context.close();
        }
        expect(errors).toEqual([]);
        expect(overflowing).toEqual([]);
        expect(violations).toEqual([]);
      },
      TIMEOUT,
    );

    it(
      'the License page: status, chip, dots, seat bar and banner agree; what to do next when something is to be done',
      async () => {
        const expected = EXPECTED[state];
        const { context, page } = await signedIn(app, 390);
        try {
          await open(page, '/settings/license');
          expect(await page.locator('#status').getAttribute('data-tone')).toBe(expected.tone);
          expect(await page.locator('#status').getAttribute('data-condition')).toBe(state);
          expect(await page.locator('#status-badge').textContent()).toBe(expected.badge);
          // The status facts stack on a phone: no two share a row at 390 px.
          const lefts = await page
            .locator('.facts > div:not([hidden])')
            .evaluateAll((facts) => facts.map((f) => Math.round(f.getBoundingClientRect().left)));
          expect(new Set(lefts).size).toBe(1);
          const chip = page.locator('#expiry-chip');
          if (expected.chip === null) expect(await chip.isVisible()).toBe(false);
          else expect(await chip.getAttribute('data-tone')).toBe(expected.chip);
          // No raw ISO timestamp anywhere on the page, and no "N days left" rounded up.
          expect(await page.locator('main').textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);
          const dots = await page.locator('#connectors .dot').evaluateAll((all) => all.map((d) => d.className));
          if (expected.dots === 'none') expect(dots).toEqual([]);
          else expect(dots).toEqual(Array(2).fill(expected.dots === 'working' ? 'dot' : 'dot dot--inactive'));
          const replicaDot = await page.locator('#replicas .dot').first().getAttribute('class');
          expect(replicaDot).toBe(
            {
              ok: 'dot',
              warning: 'dot',
              neutral: 'dot dot--inactive',
              critical: expected.dots === 'working' ? 'dot' : 'dot dot--missing',
            }[expected.tone],
          );
          const meter = page.locator('#users-bar');
          if (expected.meter === 'none') expect(await meter.isHidden()).toBe(true);
          else expect(await meter.getAttribute('data-level')).toBe(expected.meter);
          const banner = page.locator('#license-banner');
          await banner.and(page.locator('[data-status]')).waitFor({ state: 'attached' });
          if (expected.banner === null) expect(await banner.isHidden()).toBe(true);
          else expect(await banner.getAttribute('data-tone')).toBe(expected.banner);
          // Recovery: a hint whenever something is to be done; Re-verify named only to who has it (the admin).
          const next = page.locator('#next-step');
          expect(await next.isVisible()).toBe(state !== 'accepted');
          if (['not-configured', 'rejected', 'expired'].includes(state)) {
            expect(await page.locator('#next-step-action').textContent()).toContain('Re-verify');
            expect(await page.locator('#unlocks').isVisible()).toBe(true);
            expect(await page.locator('#unlocks-list li').allTextContents()).toEqual([
              'SAP S/4HANA (connector sap)',
              'Snowflake (connector snowflake)',
              'JD Edwards EnterpriseOne (connector jdedwards)',
              'NomaJDE (app nomajde)',
              'NomaSX-1 (app nomasx-1)',
            ]);
          } else {
            expect(await page.locator('#unlocks').isHidden()).toBe(true);
          }
          expect(await page.locator('#key-source').textContent()).toMatch(
            /^Environment variable LIBERTY_STATE_KEY_[0-9A-F]+$/,
          );
          expect(await page.getByRole('link', { name: 'Renew or contact the vendor' }).getAttribute('href')).toBe(
            'https://example.com/renew',
          );
          if (state !== 'not-configured') {
            expect(await page.locator('#license-id').textContent()).toBe('lic-2026-0042');
            expect(await page.locator('#issued-at').textContent()).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4}$/);
          }
        } finally {
          await context.close();
        }
      },
      TIMEOUT,
    );
  });

  describe('pages every state shares (Chromium)', () => {
    let app: StateApp;

    beforeAll(async () => {
      app = await startInState('accepted', { kit, createSampleApp });
    }, 60_000);

    afterAll(async () => {
      await app?.close();
    });

    it(
      'an unknown page is an HTML 404 with a way home; /api/* keeps its JSON 404',
      async () => {
        for (const width of [320, 1280]) {
          const { context, page } = await signedIn(app, width);
          try {
            const response = await page.goto('/no/such/page');
            expect(response?.status()).toBe(404);
            expect(response?.headers()['content-type']).toMatch(/^text\/html/);
            expect(await page.locator('h1').textContent()).toBe('Page not found');
            await page.getByRole('link', { name: 'Go to Home' }).click();
            await page.waitForURL(`${app.baseUrl}/`);
            await page.goto('/no/such/page');
            expect(await sidewaysOverflow(page)).toBe(0);
            expect(await seriousViolations(page, axe)).toEqual([]);
          } finally {
            await context.close();
          }
        }
        const api = await fetch(`${app.baseUrl}/api/nope`, {
          headers: { Accept: 'text/html', Authorization: `Bearer ${app.adminToken}` },
        });
        expect(api.status).toBe(404);
        expect(api.headers.get('content-type')).toMatch(/^application\/json/);
      },
      TIMEOUT,
    );

    it(
      'a 403 page offers the way home and another sign-in; the sign-in page passes axe at 320 px',
      async () => {
        const created = await app.api('POST', '/api/users', { name: 'viewer', permissions: [] });
        const { token } = (await created.json()) as { token: string };
        const { context, page } = await signedIn(app, 320, token);
        try {
          const response = await page.goto('/users');
          expect(response?.status()).toBe(403);
          expect(await page.getByRole('link', { name: 'Go to Home' }).getAttribute('href')).toBe('/');
          expect(await page.getByRole('link', { name: 'Sign in as another user' }).isVisible()).toBe(true);
          expect(await sidewaysOverflow(page)).toBe(0);
          expect(await seriousViolations(page, axe)).toEqual([]);
          await context.clearCookies();
          await page.goto('/login');
          expect(await sidewaysOverflow(page)).toBe(0);
          expect(await seriousViolations(page, axe)).toEqual([]);
        } finally {
          await context.close();
        }
      },
      TIMEOUT,
    );

    it(
      'Connectors: toggling never moves the rows (a second click lands on the same switch)',
      async () => {
        for (const width of [390, 1280]) {
          const { context, page } = await signedIn(app, width);
          try {
            await open(page, '/settings/connectors');
            // Positions in the document (a click may scroll the viewport; the rows must not move).
            const tops = () =>
              page
                .locator('#connectors tr')
                .evaluateAll((rows) => rows.map((r) => Math.round(r.getBoundingClientRect().top + window.scrollY)));
            const before = await tops();
            const snowflake = page.getByRole('switch', { name: 'Licensed: Snowflake' });
            await snowflake.click();
            await page
              .locator('#announcer')
              .filter({ hasText: /^Snowflake: not licensed — active\.$/ })
              .waitFor();
            expect(await tops()).toEqual(before);
            await page.getByRole('switch', { name: 'Licensed: Snowflake' }).click();
            await page
              .locator('#announcer')
              .filter({ hasText: /^Snowflake: licensed — Locked — requires license snowflake\.$/ })
              .waitFor();
            expect(await tops()).toEqual(before);
            expect(await page.locator('.lead').textContent()).toContain("stored in the app's database");
            expect(await page.locator('.lead').textContent()).not.toContain('written to the file');
          } finally {
            await context.close();
          }
        }
      },
      TIMEOUT,
    );
  });
});
