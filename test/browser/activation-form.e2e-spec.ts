import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { LicenseTestKit } from '@liberty/license/testing';
import { launchChromium } from './support/chromium.js';
import { SampleAppFixture } from './support/sample-app-fixture.js';

describe('activation-form', () => {
  // ai.doo's activation by paste in a real Chromium (key_store = "database", soft enforcement):
  // a valid key → Accepted; a tampered key → the reason, the old state kept; the field is cleared
  // and the key never comes back (page, responses); the soft banners for no key and an expired key.

  const DAY = 86_400;
  const TIMEOUT = 30_000;

  async function textIs(locator: Locator, text: string): Promise<void> {
    const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await locator.filter({ hasText: new RegExp(`^${escaped}$`) }).waitFor({ timeout: 10_000 });
  }

  let browser: Browser;
  let kit: LicenseTestKit;
  let stranger: LicenseTestKit;

  beforeAll(async () => {
    [browser, kit, stranger] = await Promise.all([launchChromium(), LicenseTestKit.create(), LicenseTestKit.create()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function signIn(context: BrowserContext, token: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto('/settings/license');
    await page.getByLabel('Access token').fill(token);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/settings/license');
    await page.waitForSelector('body[data-ready="true"]');
    return page;
  }

  describe('activation form (key_store = "database")', () => {
    let fixture: SampleAppFixture;
    let context: BrowserContext;
    let page: Page;
    /** Every API request the page sent (`METHOD /path`), recorded when it is sent. */
    const sent: string[] = [];
    /** Every API response body the page received; read asynchronously, so awaited before use. */
    const bodies: Promise<string>[] = [];
    const pasted: string[] = [];

    beforeAll(async () => {
      fixture = await SampleAppFixture.start({
        publicKey: kit.publicKey,
        enforcement: 'soft',
        licenseSettings: 'key_store = "database"',
      });
      context = await browser.newContext({ baseURL: fixture.baseUrl });
      const isApi = (url: string) => new URL(url).pathname.startsWith('/api/');
      context.on('request', (request) => {
        if (isApi(request.url())) sent.push(`${request.method()} ${new URL(request.url()).pathname}`);
      });
      context.on('response', (response) => {
        if (isApi(response.url())) bodies.push(response.text().catch(() => ''));
      });
      page = await signIn(context, fixture.adminToken);
    }, 60_000);
    afterAll(async () => {
      // The key never came back: not in any API response, not in the page.
      const html = page ? await page.content() : '';
      const received = await Promise.all(bodies);
      for (const token of pasted) {
        expect(received.some((b) => b.includes(token))).toBe(false);
        expect(html).not.toContain(token);
      }
      await context?.close();
      await fixture?.close();
    });

    const byId = (id: string) => page.locator(`#${id}`);

    async function paste(token: string): Promise<void> {
      pasted.push(token);
      await page.getByRole('textbox', { name: 'License key' }).fill(token);
      await page.getByRole('button', { name: 'Activate', exact: true }).click();
    }

    it(
      'no key: Not configured, the soft banner says to activate, the form is offered',
      async () => {
        expect(await byId('status-label').textContent()).toBe('Not configured');
        await textIs(byId('license-banner-text'), 'No license — activate to remove this notice');
        expect(await byId('activation').isVisible()).toBe(true);
        expect(await page.getByRole('textbox', { name: 'License key' }).inputValue()).toBe('');
      },
      TIMEOUT,
    );

    it(
      'an empty paste is refused on the page, nothing is sent',
      async () => {
        const before = sent.length;
        await page.getByRole('button', { name: 'Activate', exact: true }).click();
        await textIs(byId('activation-result'), 'Paste a license key first.');
        expect(await page.getByRole('textbox', { name: 'License key' }).getAttribute('aria-invalid')).toBe('true');
        expect(sent.slice(before)).toEqual([]);
      },
      TIMEOUT,
    );

    it(
      'a valid key: Accepted, the banner goes, the field is cleared',
      async () => {
        const token = await kit.issue({
          claims: { customer: 'Hub Customer', edition: 'professional' },
          expiresInSeconds: 90 * DAY,
        });
        await paste(token);
        await textIs(byId('activation-result'), 'Activated: Accepted — Hub Customer.');
        expect(await byId('activation-result').getAttribute('data-kind')).toBe('ok');
        expect(await byId('status-label').textContent()).toBe('Accepted');
        expect(await byId('customer').textContent()).toBe('Hub Customer');
        await page.waitForSelector('#license-banner[hidden]', { state: 'attached' });
        expect(await page.getByRole('textbox', { name: 'License key' }).inputValue()).toBe('');
      },
      TIMEOUT,
    );

    it(
      'a tampered key: the reason is shown, the old license stays, the field keeps what was pasted',
      async () => {
        const [h, p, s] = (await kit.issue({ claims: { customer: 'Hub Customer' } })).split('.');
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
        const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, customer: 'Mallory' })).toString('base64url')}.${s}`;
        await paste(tampered);
        await textIs(byId('activation-result'), 'Rejected — signature invalid. The current license is unchanged.');
        expect(await byId('activation-result').getAttribute('data-kind')).toBe('error');
        expect(await byId('status-label').textContent()).toBe('Accepted');
        expect(await byId('customer').textContent()).toBe('Hub Customer');
        // Issue 19 (contract change on purpose): a refused paste stays in the field, next to its reason.
        expect(await page.getByRole('textbox', { name: 'License key' }).inputValue()).toBe(tampered);
        // The license is unchanged on the server too.
        expect(((await (await fixture.api('GET', '/api/license')).json()) as { customer: string }).customer).toBe(
          'Hub Customer',
        );
      },
      TIMEOUT,
    );

    it(
      'a key from another signer: signature invalid; an expired key: its date',
      async () => {
        await paste(await stranger.issue());
        await textIs(byId('activation-result'), 'Rejected — signature invalid. The current license is unchanged.');
        const expired = await kit.issue({
          claims: { iat: Math.floor(Date.now() / 1000) - 10 * DAY, nbf: Math.floor(Date.now() / 1000) - 10 * DAY },
          expiresInSeconds: -DAY,
        });
        await paste(expired);
        const date = new Date(Date.now() - DAY * 1000).toISOString().slice(0, 10);
        await textIs(byId('activation-result'), `Rejected — expired (${date}). The current license is unchanged.`);
        expect(await byId('status-label').textContent()).toBe('Accepted');
      },
      TIMEOUT,
    );

    it(
      'a key wrapped at 76 columns and in quotes (as mail clients send it) is activated; the page shows Tier, products, customer id',
      async () => {
        const token = await kit.issue({
          claims: {
            customer: 'Mail Customer',
            edition: undefined,
            tier: 'enterprise',
            sub: 'cust-77',
            products: ['pika', 'vera'],
          },
          expiresInSeconds: 90 * DAY,
        });
        await paste(`"${token.match(/.{1,76}/g)!.join('\r\n')}"\n`);
        await textIs(byId('activation-result'), 'Activated: Accepted — Mail Customer.');
        expect(await page.getByRole('textbox', { name: 'License key' }).inputValue()).toBe('');
        expect(await byId('edition-term').textContent()).toBe('Tier');
        expect(await byId('edition').textContent()).toBe('enterprise');
        expect(await byId('customer-id').textContent()).toBe('cust-77');
        expect(await byId('products').locator('li').allTextContents()).toEqual(['pika', 'vera']);
        expect(await byId('reverify-help').textContent()).toBe(
          'Re-verify checks the activated key again (stored in the database) — no restart needed.',
        );
      },
      TIMEOUT,
    );

    it(
      'a key file upload: the same checks (a good file activates, a bad one shows the reason, a big one is refused)',
      async () => {
        const token = await kit.issue({ claims: { customer: 'File Customer' }, expiresInSeconds: 90 * DAY });
        pasted.push(token);
        const input = byId('activation-file');
        await input.setInputFiles({
          name: 'license.jwt',
          mimeType: 'text/plain',
          buffer: Buffer.from(`Bearer ${token}\n`),
        });
        await textIs(byId('activation-result'), 'Activated: Accepted — File Customer.');
        await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a key') });
        await textIs(byId('activation-result'), 'Rejected — malformed. The current license is unchanged.');
        const before = sent.length;
        await input.setInputFiles({
          name: 'big.bin',
          mimeType: 'application/octet-stream',
          buffer: Buffer.alloc(20_000, 0x61),
        });
        await textIs(
          byId('activation-result'),
          'The file is larger than 16 KiB (20,000 bytes): it is not a license key. Nothing was changed.',
        );
        expect(sent.slice(before)).toEqual([]);
        expect(await byId('customer').textContent()).toBe('File Customer');
      },
      TIMEOUT,
    );

    it(
      'removing the activated key asks for confirmation: dismissed, nothing changes; confirmed, Not configured',
      async () => {
        const messages: string[] = [];
        page.once('dialog', (dialog) => (messages.push(dialog.message()), void dialog.dismiss()));
        await page.getByRole('button', { name: 'Remove the activated key' }).click();
        await textIs(byId('activation-result'), 'Nothing was changed.');
        expect(await byId('status-label').textContent()).toBe('Accepted');
        expect(messages).toEqual([
          'Remove the activated license key? The install becomes unlicensed until a key is activated again.',
        ]);
        page.once('dialog', (dialog) => void dialog.accept());
        await page.getByRole('button', { name: 'Remove the activated key' }).click();
        await textIs(byId('activation-result'), 'The activated key was removed: Not configured.');
        expect(await byId('status-label').textContent()).toBe('Not configured');
        await textIs(byId('license-banner-text'), 'No license — activate to remove this notice');
      },
      TIMEOUT,
    );

    it(
      'a user with license:read only sees no form',
      async () => {
        const reader = await fixture.createUser('reader', ['license:read']);
        const readerContext = await browser.newContext({ baseURL: fixture.baseUrl });
        try {
          const readerPage = await signIn(readerContext, reader);
          expect(await readerPage.locator('#activation').isHidden()).toBe(true);
        } finally {
          await readerContext.close();
        }
      },
      TIMEOUT,
    );
  });

  describe('soft banners and the environment store', () => {
    it('an expired key in soft mode: "License expired"; the environment store offers no form', async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = await kit.issue({ claims: { iat: now - 10 * DAY, nbf: now - 10 * DAY }, expiresInSeconds: -DAY });
      const fixture = await SampleAppFixture.start({
        publicKey: kit.publicKey,
        licenseKey: expired,
        enforcement: 'soft',
      });
      const context = await browser.newContext({ baseURL: fixture.baseUrl });
      try {
        const page = await signIn(context, fixture.adminToken);
        await textIs(page.locator('#license-banner-text'), 'License expired');
        expect(await page.locator('#status-label').textContent()).toMatch(/^Rejected — expired \(\d{4}-\d{2}-\d{2}\)$/);
        expect(await page.locator('#activation').isHidden()).toBe(true);
      } finally {
        await context.close();
        await fixture.close();
      }
    }, 60_000);
  });
});
