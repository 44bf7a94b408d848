// Takes docs/license-page.png: the License page of the built sample app in a realistic accepted
// state (20 days left: yellow chip; a licensed connector the install does not define: red dot;
// 23 of 25 users: 92 %). Keys are generated for this run; nothing but the PNG is written to the repo.
//
//   npm run build && node test/browser/license-page-screenshot.mjs [out.png]
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LicenseTestKit } from '@liberty/license/testing';
import { launchChromium } from './support/chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = process.argv[2] ?? join(root, 'docs/license-page.png');

const kit = await LicenseTestKit.create();
const dir = await mkdtemp(join(tmpdir(), 'liberty-shot-'));
const adminToken = randomBytes(16).toString('hex');
process.env.LIBERTY_ADMIN_TOKEN = adminToken;
process.env.LIBERTY_SCREENSHOT_KEY = await kit.issue({
  claims: {
    customer: 'Acme Corp',
    edition: 'enterprise',
    instance: 'prod-eu-west',
    features: {
      connectors: ['jdedwards', 'sap', 'snowflake', 'netsuite'],
      apps: ['nomajde', 'nomasx-1'],
      users: { max: 25 },
      ai: { providers: ['anthropic'], messagesPerDay: 5000 },
    },
  },
  expiresInSeconds: 20 * 86_400 - 3_600,
});
await writeFile(join(dir, 'public.pem'), kit.publicKey);
await writeFile(
  join(dir, 'app.toml'),
  `[license]
license_key = "\${LIBERTY_SCREENSHOT_KEY}"
public_key_path = "public.pem"
enforcement = "restricted"
audience = "liberty"
${['postgres', 'rest', 'sap', 'snowflake', 'jdedwards']
  .map((id) => `\n[[connectors]]\nid = "${id}"\nname = "${id}"\nlicensed = ${!['postgres', 'rest'].includes(id)}\n`)
  .join('')}
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
  const names = [
    'ana',
    'ben',
    'chloe',
    'dev',
    'eli',
    'fay',
    'gus',
    'hana',
    'ivo',
    'jun',
    'kai',
    'lea',
    'mo',
    'nia',
    'oli',
    'pia',
    'quin',
    'rui',
    'sol',
    'tom',
    'uma',
    'vic',
    'wes',
    'xia',
  ];
  // Fill seats until 23 of 25 are taken (the admin may or may not count as one).
  for (const name of names) {
    const view = await (await api('GET', '/api/license')).json();
    if (view.users.count >= 23) break;
    const created = await api('POST', '/api/users', { name, permissions: ['license:read'] });
    if (!created.ok) throw new Error(`POST /api/users: ${created.status} ${await created.text()}`);
  }
  for (let i = 0; i < 37; i++) await api('POST', '/api/ai/messages', { provider: 'anthropic', message: 'hello' });

  browser = await launchChromium();
  const context = await browser.newContext({
    baseURL: base,
    viewport: { width: 1200, height: 860 },
    deviceScaleFactor: 1,
  });
  await context.request.post('/api/session', { data: { token: adminToken } });
  const page = await context.newPage();
  await page.goto('/settings/license');
  await page.waitForSelector('body[data-ready="true"]');
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser?.close();
  await app.close();
  await rm(dir, { recursive: true, force: true });
}
