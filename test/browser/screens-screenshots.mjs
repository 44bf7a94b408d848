// Takes docs/screens/*.png: the screens of the built sample app on a desktop (1280 px) and a phone
// (390 px), in the license states the docs describe (support/license-states.js: no key, accepted,
// expiring, rejected, over the user cap, …), plus a validation error and the 402. Keys are
// generated for this run; only the PNGs are written.
//
//   npm run build && node test/browser/screens-screenshots.mjs [out-dir]
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LicenseTestKit } from '@liberty/license/testing';
import { launchChromium } from './support/chromium.js';
import { startInState } from './support/license-states.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outDir = process.argv[2] ?? join(root, 'docs/screens');
await mkdir(outDir, { recursive: true });

const DESKTOP = 1280;
const PHONE = 390;

/** [file, license state, path, width, what to do before the shot]. */
const SHOTS = [
  ['home-restricted.png', 'not-configured', '/', DESKTOP],
  ['connectors-restricted.png', 'not-configured', '/settings/connectors', DESKTOP],
  ['license-not-configured.png', 'not-configured', '/settings/license', DESKTOP],
  ['connectors-phone.png', 'not-configured', '/settings/connectors', PHONE],
  ['home.png', 'accepted', '/', DESKTOP],
  ['connectors.png', 'accepted', '/settings/connectors', DESKTOP],
  ['license.png', 'accepted', '/settings/license', DESKTOP],
  ['license-phone.png', 'accepted', '/settings/license', PHONE],
  ['home-phone.png', 'accepted', '/', PHONE],
  [
    'framework-license.png',
    'accepted',
    '/settings/framework/license',
    DESKTOP,
    async (page) => {
      await page.getByLabel('License key reference').fill('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.locator('#license_key-error:not(:empty)').waitFor();
      await page.mouse.move(0, 0);
    },
  ],
  ['license-warning.png', 'warning', '/settings/license', DESKTOP],
  ['license-rejected.png', 'rejected', '/settings/license', DESKTOP],
  ['license-rejected-phone.png', 'rejected', '/settings/license', PHONE],
  [
    'users.png',
    'cap-reached',
    '/users',
    DESKTOP,
    async (page) => {
      await page.getByLabel('Name').fill('dan');
      await page.getByRole('button', { name: 'Create user' }).click();
      await page.locator('#create-error:not([hidden])').waitFor();
    },
  ],
  ['users-phone.png', 'cap-reached', '/users', PHONE],
  ['license-over-cap.png', 'over-cap', '/settings/license', DESKTOP],
];

const kit = await LicenseTestKit.create();
const { createSampleApp } = await import(join(root, 'apps/sample/dist/app.js'));
const browser = await launchChromium();
try {
  for (const state of [...new Set(SHOTS.map(([, s]) => s))]) {
    const app = await startInState(state, { kit, createSampleApp });
    try {
      for (const [file, , path, width, before] of SHOTS.filter(([, s]) => s === state)) {
        const context = await browser.newContext({
          baseURL: app.baseUrl,
          viewport: { width, height: 800 },
          deviceScaleFactor: 1,
        });
        await context.request.post('/api/session', { data: { token: app.adminToken } });
        const page = await context.newPage();
        await page.goto(path);
        await page.waitForSelector('body[data-ready="true"]');
        if (before) await before(page);
        await page.screenshot({ path: join(outDir, file), fullPage: true });
        console.log(`wrote ${join(outDir, file)}`);
        await context.close();
      }
    } finally {
      await app.close();
    }
  }
} finally {
  await browser.close();
}
