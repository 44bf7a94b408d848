import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { Browser, BrowserContext } from 'playwright-core';
import { LicenseTestKit } from '@liberty/license/testing';
import { safeNextPath } from '../../apps/sample/web/assets/next-path.js';
import { launchChromium } from './support/chromium.js';
import { SampleAppFixture } from './support/sample-app-fixture.js';

describe('open-redirect', () => {
  // Security review (issue 13) findings 2 and 4 in a real Chromium: after signing in, `next` never
  // leaves the app's origin (the browser drops a tab, LF or CR in `/\t/host` and lands on `//host`);
  // and a page on another port of the same host cannot make the signed-in admin's browser change
  // anything (the session cookie is SameSite=Strict, but another port is the same *site*).

  const TIMEOUT = 60_000;

  let browser: Browser;
  let fixture: SampleAppFixture;
  let evil: Server;
  let evilOrigin: string;
  const evilHits: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    const kit = await LicenseTestKit.create();
    // Every variant signs in once: more than the default 10 sign-ins a minute.
    process.env.LIBERTY_AUTH_RATE_LIMIT = '1000';
    fixture = await SampleAppFixture.start({ publicKey: kit.publicKey, licenseKey: await kit.issue() });
    // The attacker: another port on the same host.
    evil = createServer((req, res) => {
      evilHits.push(req.url ?? '');
      res.setHeader('Content-Type', 'text/html');
      if (req.url === '/csrf-form') {
        res.end(`<form id="f" method="POST" action="${fixture.baseUrl}/api/users">
<input name="name" value="csrf-form"><input name="permissions" value="users:write"></form>
<script>document.getElementById('f').submit()</script>`);
      } else if (req.url === '/csrf-fetch') {
        res.end(`<script>
for (const path of ['/api/users', '/api/license/reverify']) {
  fetch('${fixture.baseUrl}' + path, { method: 'POST', mode: 'no-cors', credentials: 'include',
    headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ name: 'csrf-fetch', permissions: [] }) })
    .finally(() => { window.sent = (window.sent || 0) + 1; });
}
</script>`);
      } else {
        res.end('<h1>evil</h1>');
      }
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
  }, TIMEOUT);

  afterAll(async () => {
    delete process.env.LIBERTY_AUTH_RATE_LIMIT;
    await browser?.close();
    await fixture?.close();
    await new Promise((resolve) => evil?.close(resolve));
  });

  /** Signs in on /login?next=<raw> in a fresh browser and returns where the browser ends up. */
  async function landingAfterSignIn(rawNext: string): Promise<URL> {
    const context = await browser.newContext({ baseURL: fixture.baseUrl });
    try {
      const page = await context.newPage();
      await page.goto(`/login?next=${rawNext}`);
      await page.getByLabel('Access token').fill(fixture.adminToken);
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.pathname !== '/login', { timeout: 20_000 });
      await page.waitForLoadState('load');
      return new URL(page.url());
    } finally {
      await context.close();
    }
  }

  describe('finding 2: the redirect after sign-in stays on the app (Chromium)', () => {
    const host = () => evilOrigin.replace('http://', '');

    it.each([
      ["a tab after the first slash (the review's repro)", () => `/%09/${host()}/x`],
      ['a line feed after the first slash', () => `/%0A/${host()}/x`],
      ['a carriage return after the first slash', () => `/%0D/${host()}/x`],
      ['a protocol-relative //host', () => `//${host()}/x`],
      ['/\\host (a backslash is read as a slash)', () => `/%5C${host()}/x`],
      ['an encoded slash /%2F/host', () => `/%252F${host()}/x`],
      ['a double-encoded tab', () => `/%2509/${host()}/x`],
      ['an absolute URL', () => encodeURIComponent(`${evilOrigin}/x`)],
      ['a javascript: URL', () => encodeURIComponent('javascript:alert(1)')],
      // Round 2 (issue 20, finding 1): dot segments that URL parsing resolves to //host.
      ['/.//host (round 2)', () => `/.//${host()}/x`],
      ['/..//host (round 2)', () => `/..//${host()}/x`],
      ['/%2e//host, decoded by the query (round 2)', () => `/%2e//${host()}/x`],
      ['/%2e//host, kept encoded (round 2)', () => `/%252e//${host()}/x`],
      ['/%2e%2e//host (round 2)', () => `/%252e%252e//${host()}/x`],
      ['/a/..//host (round 2)', () => `/a/..//${host()}/x`],
      ['/.%2e/%2F/host (round 2)', () => `/.%252e/%252F/${host()}/x`],
    ])(
      '%s → the home page of the app',
      async (_what, next) => {
        const before = evilHits.length;
        const landed = await landingAfterSignIn(next());
        expect(landed.origin).toBe(fixture.baseUrl);
        expect(landed.pathname).toBe('/');
        expect(evilHits.length).toBe(before);
      },
      TIMEOUT,
    );

    it(
      'a same-origin path (with its query) is kept',
      async () => {
        const landed = await landingAfterSignIn(encodeURIComponent('/settings/license?tab=1'));
        expect(landed.origin).toBe(fixture.baseUrl);
        expect(`${landed.pathname}${landed.search}`).toBe('/settings/license?tab=1');
      },
      TIMEOUT,
    );
  });

  describe('round 2, finding 1: safeNextPath checks the raw input (Node, the same module the page loads)', () => {
    const origin = 'http://127.0.0.1:3000';

    it.each([
      '/.//h/x',
      '/..//h',
      '/%2e//h',
      '/%2e%2e//h',
      '/a/..//h',
      '/./%2f/h',
      '/%2E%2e/',
      '/a/%2e%2e/b',
      '/a\\b',
      '/a b',
      '/ä',
    ])('%s → /', (next) => expect(safeNextPath(next, origin)).toBe('/'));

    it.each(['/settings/license', '/settings/license?tab=1#x', '/apps/nomajde/orders', '/a.b/c..d/.e'])(
      '%s is kept as given',
      (next) => {
        expect(safeNextPath(next, origin)).toBe(next);
      },
    );

    it('property: whatever the input, the result is / or the input itself, and it resolves on this origin to a path not starting with //', () => {
      const pieces = fc.constantFrom(
        '/',
        '.',
        '..',
        '%2e',
        '%2E',
        '%2f',
        '%2F',
        '%5c',
        '\\',
        '%09',
        '\t',
        'h',
        'evil.host',
        ':',
        '@',
        '?',
        '#',
        '%',
        '%25',
        'a',
      );
      fc.assert(
        fc.property(
          fc.oneof(
            fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join('')),
            fc.string(),
          ),
          (next) => {
            const result = safeNextPath(next, origin);
            expect(result === '/' || result === next).toBe(true);
            const url = new URL(result, origin);
            expect(url.origin).toBe(origin);
            expect(url.pathname.startsWith('//')).toBe(false);
          },
        ),
        { numRuns: 5_000 },
      );
    });
  });

  describe('finding 4: a page on another port of the same host cannot act for the signed-in admin (Chromium)', () => {
    let admin: BrowserContext;

    beforeAll(async () => {
      admin = await browser.newContext({ baseURL: fixture.baseUrl });
      const signIn = await admin.request.post('/api/session', { data: { token: fixture.adminToken } });
      expect(signIn.status()).toBe(204);
    }, TIMEOUT);

    afterAll(async () => {
      await admin?.close();
    });

    async function userNames(): Promise<string[]> {
      const response = await fixture.api('GET', '/api/users');
      return ((await response.json()) as Array<{ name: string }>).map((u) => u.name);
    }

    it(
      'the session cookie works for the admin itself (the attack would have its cookie)',
      async () => {
        expect((await admin.request.get('/api/me')).status()).toBe(200);
      },
      TIMEOUT,
    );

    it(
      'an auto-submitting form POST to /api/users is refused (403 CROSS_ORIGIN_REQUEST; a form body would be 415): no user created',
      async () => {
        const page = await admin.newPage();
        const answer = page.waitForResponse((response) => response.url() === `${fixture.baseUrl}/api/users`);
        await page.goto(`${evilOrigin}/csrf-form`);
        const response = await answer;
        expect(response.status()).toBe(403);
        expect(await response.json()).toMatchObject({ code: 'CROSS_ORIGIN_REQUEST' });
        expect(await userNames()).not.toContain('csrf-form');
        await page.close();
      },
      TIMEOUT,
    );

    it(
      'no-cors fetch POSTs (text/plain; reverify without caring for the answer) are refused: nothing created',
      async () => {
        const page = await admin.newPage();
        await page.goto(`${evilOrigin}/csrf-fetch`);
        await page.waitForFunction('window.sent === 2', undefined, { timeout: 20_000 });
        expect(await userNames()).not.toContain('csrf-fetch');
        await page.close();
      },
      TIMEOUT,
    );
  });
});
