// The license states a screen can be in, each one a running sample app: the browser suite
// (screen-states.e2e-spec.ts) checks every page in every state, and the screenshot script
// (screens-screenshots.mjs) photographs them. Plain JS so that both the Jest suite (sources) and
// the script (the built app) share it. Keys are signed for the run by a LicenseTestKit.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DAY = 86_400;

/** Every state the issue names, in the order a license lives through them. */
export const LICENSE_STATES = [
  'not-configured',
  'accepted',
  'warning',
  'critical',
  'grace',
  'expired',
  'rejected',
  'cap-reached',
  'over-cap',
];

/** The pages every state is checked on (signed in as the admin). */
export const PAGES = [
  { name: 'home', path: '/' },
  { name: 'license', path: '/settings/license' },
  { name: 'framework-license', path: '/settings/framework/license' },
  { name: 'connectors', path: '/settings/connectors' },
  { name: 'users', path: '/users' },
  { name: 'app-screen', path: '/apps/nomajde/address-book' },
];

/** The widths every page is checked at: the smallest phone, a common phone, a desktop. */
export const WIDTHS = [320, 390, 1280];

/**
 * axe-core's minified browser bundle (the same rules as `require('axe-core').source`, 650 KB
 * instead of 1.5 MB to parse on every page), injected with `page.addScriptTag({ content })`.
 */
export function axeSource() {
  return readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
}

/**
 * Runs axe on the page and returns its serious and critical violations, each as
 * `{ id, impact, help, targets }` (WCAG 2.x A and AA rules and best practices).
 */
export async function seriousViolations(page, source = axeSource()) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: source });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** How far the page scrolls sideways: `scrollWidth - innerWidth` (0 when nothing sticks out). */
export function sidewaysOverflow(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
}

const CONNECTORS = [
  ['postgres', 'PostgreSQL', false],
  ['rest', 'REST API', false],
  ['sap', 'SAP S/4HANA', true],
  ['snowflake', 'Snowflake', true],
  ['jdedwards', 'JD Edwards EnterpriseOne', true],
];

function appToml(keyVariable, extraLicense) {
  return `[license]
license_key = "\${${keyVariable}}"
public_key_path = "public.pem"
enforcement = "restricted"
audience = "liberty"
renew_url = "https://example.com/renew"
${extraLicense}
${CONNECTORS.map(([id, name, licensed]) => `\n[[connectors]]\nid = "${id}"\nname = "${name}"\nlicensed = ${licensed}\n`).join('')}
[[apps]]
id = "nomajde"
name = "NomaJDE"
licensed = true

[[apps]]
id = "nomasx-1"
name = "NomaSX-1"
licensed = true
`;
}

/** The claims of the sample key: Acme Corp, SAP and JD Edwards, NomaJDE, a 10-user cap. */
function claims(nowSeconds, { cap = 10, expiresIn = 200 * DAY, audience = 'liberty' } = {}) {
  return {
    aud: audience,
    jti: 'lic-2026-0042',
    customer: 'Acme Corp',
    edition: 'enterprise',
    instance: 'prod-eu-west',
    iat: nowSeconds - 60 * DAY,
    nbf: nowSeconds - 60 * DAY,
    exp: nowSeconds + expiresIn,
    features: {
      connectors: ['sap', 'jdedwards'],
      apps: ['nomajde'],
      users: { max: cap },
      ai: { providers: ['anthropic'], messagesPerDay: 5000 },
    },
  };
}

/**
 * Starts the sample app (from `createSampleApp`, sources or build) on 127.0.0.1 in `state`.
 * Returns `{ baseUrl, adminToken, api(method, path, body), close() }`.
 */
export async function startInState(state, { kit, createSampleApp }) {
  if (!LICENSE_STATES.includes(state)) throw new Error(`unknown license state ${state}`);
  const dir = await mkdtemp(join(tmpdir(), `liberty-state-${state}-`));
  const keyVariable = `LIBERTY_STATE_KEY_${randomBytes(6).toString('hex').toUpperCase()}`;
  const previousAdminToken = process.env.LIBERTY_ADMIN_TOKEN;
  const adminToken = `admin-${randomBytes(16).toString('hex')}`;
  process.env.LIBERTY_ADMIN_TOKEN = adminToken;
  const now = Math.floor(Date.now() / 1000);
  const issue = (options) => kit.issue({ claims: claims(now, options) });
  const keys = {
    'not-configured': undefined,
    accepted: await issue(),
    warning: await issue({ expiresIn: 20 * DAY + 3600 }),
    critical: await issue({ expiresIn: 3 * DAY + 3600 }),
    grace: await issue({ expiresIn: -2 * DAY }),
    expired: await issue({ expiresIn: -2 * DAY }),
    rejected: await issue({ audience: 'another-product' }),
    'cap-reached': await issue({ cap: 10 }),
    // Written with a larger cap so that 20 users can be created, then replaced by a 10-user key.
    'over-cap': await issue({ cap: 30 }),
  };
  await writeFile(join(dir, 'public.pem'), kit.publicKey);
  await writeFile(join(dir, 'app.toml'), appToml(keyVariable, state === 'grace' ? 'grace_days = 14' : ''));
  if (keys[state] !== undefined) process.env[keyVariable] = keys[state];
  let app;
  try {
    app = await createSampleApp({ configPath: join(dir, 'app.toml'), dataDir: join(dir, 'data'), logger: false });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    delete process.env[keyVariable];
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const baseUrl = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  const api = (method, path, body) =>
    fetch(baseUrl + path, {
      method,
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const createUsers = async (n) => {
    for (let i = 1; i <= n; i++) {
      const response = await api('POST', '/api/users', {
        name: `user-${String(i).padStart(2, '0')}`,
        permissions: ['license:read'],
      });
      if (!response.ok) throw new Error(`POST /api/users answered ${response.status}: ${await response.text()}`);
    }
  };
  // Enabled users, the admin included (it is a user too): 3, 10 of 10, or 20 against a cap of 10.
  const seats = { 'cap-reached': 10, 'over-cap': 20 }[state] ?? 3;
  await createUsers(seats - 1);
  if (state === 'over-cap') {
    process.env[keyVariable] = await issue({ cap: 10 });
    await api('POST', '/api/license/reverify');
  }
  return {
    state,
    baseUrl,
    adminToken,
    api,
    async close() {
      await app.close();
      delete process.env[keyVariable];
      if (previousAdminToken === undefined) delete process.env.LIBERTY_ADMIN_TOKEN;
      else process.env.LIBERTY_ADMIN_TOKEN = previousAdminToken;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
