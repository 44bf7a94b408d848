// Takes docs/screens/*.png: every screen of the built sample app, in the states the docs describe
// (restricted with no key; accepted with a key for SAP, JD Edwards and NomaJDE capped at 3 users;
// a validation error; the 402). Keys are generated for this run; only the PNGs are written.
//
//   npm run build && node test/browser/screens-screenshots.mjs [out-dir]
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { LicenseTestKit } from '@liberty/license/testing';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outDir = process.argv[2] ?? join(root, 'docs/screens');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}: apt-get install -y chromium`);
await mkdir(outDir, { recursive: true });

const kit = await LicenseTestKit.create();
const dir = await mkdtemp(join(tmpdir(), 'liberty-screens-'));
const adminToken = randomBytes(16).toString('hex');
process.env.LIBERTY_ADMIN_TOKEN = adminToken;
delete process.env.LIBERTY_SCREENS_KEY;
const connectors = [
  ['postgres', 'PostgreSQL', false],
  ['rest', 'REST API', false],
  ['sap', 'SAP S/4HANA', true],
  ['snowflake', 'Snowflake', true],
  ['jdedwards', 'JD Edwards EnterpriseOne', true],
];
await writeFile(join(dir, 'public.pem'), kit.publicKey);
await writeFile(
  join(dir, 'app.toml'),
  `[license]
license_key = "\${LIBERTY_SCREENS_KEY}"
public_key_path = "public.pem"
enforcement = "restricted"
audience = "liberty"
${connectors.map(([id, name, licensed]) => `\n[[connectors]]\nid = "${id}"\nname = "${name}"\nlicensed = ${licensed}\n`).join('')}
[[apps]]
id = "nomajde"
name = "NomaJDE"
licensed = true

[[apps]]
id = "nomasx-1"
name = "NomaSX-1"
licensed = true
`,
);

const { createSampleApp } = await import(join(root, 'apps/sample/dist/app.js'));
const app = await createSampleApp({ configPath: join(dir, 'app.toml'), dataDir: join(dir, 'data'), logger: false });
let browser;
try {
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  const api = (method, path, body) =>
    fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
      body: body && JSON.stringify(body),
    });

  browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1200, height: 800 }, deviceScaleFactor: 1 });
  await context.request.post('/api/session', { data: { token: adminToken } });
  const page = await context.newPage();
  const shot = async (path, name, before) => {
    await page.goto(path);
    await page.waitForSelector('body[data-ready="true"]');
    if (before) await before();
    await page.screenshot({ path: join(outDir, name), fullPage: true });
    console.log(`wrote ${join(outDir, name)}`);
  };

  // Restricted: no key.
  await shot('/', 'home-restricted.png');
  await shot('/settings/connectors', 'connectors-restricted.png');

  // Accepted: SAP, JD Edwards and NomaJDE, 3 users.
  process.env.LIBERTY_SCREENS_KEY = await kit.issue({
    claims: {
      customer: 'Acme Corp',
      edition: 'enterprise',
      features: {
        connectors: ['sap', 'jdedwards'],
        apps: ['nomajde'],
        users: { max: 3 },
        ai: { providers: ['anthropic'], messagesPerDay: 5000 },
      },
    },
    expiresInSeconds: 200 * 86_400,
  });
  await api('POST', '/api/license/reverify');
  for (const name of ['ana', 'ben']) await api('POST', '/api/users', { name, permissions: ['license:read'] });
  await api('POST', '/api/users', { name: 'cleo', permissions: [], enabled: false });

  await shot('/', 'home.png');
  await shot('/settings/connectors', 'connectors.png');
  await shot('/settings/framework/license', 'framework-license.png', async () => {
    await page.getByLabel('License key reference').fill('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#license_key-error:not(:empty)').waitFor();
    await page.mouse.move(0, 0);
  });
  await shot('/users', 'users.png', async () => {
    await page.getByLabel('Name').fill('dan');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.locator('#create-error:not([hidden])').waitFor();
  });
  await shot('/settings/license', 'license.png');
} finally {
  await browser?.close();
  await app.close();
  await rm(dir, { recursive: true, force: true });
}
