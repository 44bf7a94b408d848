import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { LicenseTestKit } from '@liberty/license/testing';
import { launchChromium } from './support/chromium.js';
import { SampleAppFixture } from './support/sample-app-fixture.js';

describe('cross-origin-socket', () => {
  // Security review round 2 (issue 20), finding 2 in a real Chromium: cross-site WebSocket
  // hijacking. The admin is signed in (session cookie, SameSite=Strict); a page on another port of
  // the same host is the same *site*, so Chromium attaches the cookie to its WebSocket. Before the
  // fix the gateway answered the licensed SAP tables to that page. The script speaks Socket.IO's
  // wire protocol over a plain WebSocket, as an attacker's page would.

  const TIMEOUT = 60_000;

  let browser: Browser;
  let fixture: SampleAppFixture;
  let evil: Server;
  let evilOrigin: string;
  let admin: BrowserContext;

  /** Opens a Socket.IO connection (no token: only the browser's cookie) and asks for the SAP tables. */
  const HIJACK = (appHost: string) => `
window.log = [];
window.done = new Promise((resolve) => {
  const ws = new WebSocket('ws://${appHost}/socket.io/?EIO=4&transport=websocket');
  ws.onmessage = (event) => {
    const data = String(event.data);
    window.log.push(data);
    if (data.startsWith('0{')) ws.send('40');
    else if (data.startsWith('40')) ws.send('420["connectors.sap.tables",{}]');
    else if (data === '2') ws.send('3');
    else if (data.startsWith('430') || data.startsWith('44')) { ws.close(); resolve('answered'); }
  };
  ws.onerror = () => resolve('error');
  ws.onclose = () => resolve('closed');
  setTimeout(() => resolve('timeout'), 15000);
});`;

  beforeAll(async () => {
    browser = await launchChromium();
    const kit = await LicenseTestKit.create();
    fixture = await SampleAppFixture.start({
      publicKey: kit.publicKey,
      licenseKey: await kit.issue({ claims: { features: { connectors: ['sap'] } } }),
    });
    const appHost = new URL(fixture.baseUrl).host;
    evil = createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<h1>evil</h1><script>${HIJACK(appHost)}</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    admin = await browser.newContext({ baseURL: fixture.baseUrl });
    const signIn = await admin.request.post('/api/session', { data: { token: fixture.adminToken } });
    expect(signIn.status()).toBe(204);
  }, TIMEOUT);

  afterAll(async () => {
    await admin?.close();
    await browser?.close();
    await fixture?.close();
    await new Promise((resolve) => evil?.close(resolve));
  });

  async function outcome(page: Page): Promise<{ result: string; log: string[] }> {
    const result = await page.evaluate<string>('window.done');
    const log = await page.evaluate<string[]>('window.log');
    return { result, log };
  }

  describe('finding 2: cross-site WebSocket hijacking (Chromium, page on another port)', () => {
    it(
      "control: the same script on the app's own origin gets the tables with the session cookie",
      async () => {
        const page = await admin.newPage();
        await page.goto('/login');
        await page.evaluate(HIJACK(new URL(fixture.baseUrl).host));
        const { result, log } = await outcome(page);
        expect(result).toBe('answered');
        expect(log.some((line) => line.startsWith('430') && line.includes('"name"'))).toBe(true);
        await page.close();
      },
      TIMEOUT,
    );

    it(
      'from another origin the handshake is refused: no Socket.IO session opens, no data reaches the page',
      async () => {
        const page = await admin.newPage();
        await page.goto(`${evilOrigin}/`);
        const { result, log } = await outcome(page);
        expect(result).not.toBe('answered');
        expect(log.filter((line) => line.startsWith('40') || line.startsWith('430'))).toEqual([]);
        await page.close();
      },
      TIMEOUT,
    );
  });

  describe('finding 4: the "Sign out everywhere" button (Chromium)', () => {
    it(
      "ends the user's sessions in every browser, then shows the login page",
      async () => {
        const laptop = await browser.newContext({ baseURL: fixture.baseUrl });
        const phone = await browser.newContext({ baseURL: fixture.baseUrl });
        try {
          for (const context of [laptop, phone]) {
            expect((await context.request.post('/api/session', { data: { token: fixture.adminToken } })).status()).toBe(
              204,
            );
            expect((await context.request.get('/api/me')).status()).toBe(200);
          }
          const page = await phone.newPage();
          await page.goto('/');
          await page.getByRole('button', { name: 'Sign out everywhere' }).click();
          await page.waitForURL((url) => url.pathname === '/login', { timeout: 20_000 });
          expect((await phone.request.get('/api/me')).status()).toBe(401);
          expect((await laptop.request.get('/api/me')).status()).toBe(401);
        } finally {
          await laptop.close();
          await phone.close();
        }
      },
      TIMEOUT,
    );
  });
});
