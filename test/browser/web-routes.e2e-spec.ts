import request from 'supertest';
import { LicenseTestKit } from '@liberty/license/testing';
import { SampleAppFixture } from './support/sample-app-fixture.js';

// The web part's HTTP contract, without a browser: which routes are public, where a signed-out
// visitor goes, what a user without the permission gets, and that only known assets are served.

describe('web routes (HTTP)', () => {
  let fixture: SampleAppFixture;
  let viewerToken: string;

  beforeAll(async () => {
    const kit = await LicenseTestKit.create();
    fixture = await SampleAppFixture.start({ publicKey: kit.publicKey, licenseKey: await kit.issue() });
    viewerToken = await fixture.createUser('viewer', []);
  }, 30_000);

  afterAll(async () => {
    await fixture?.close();
  });

  const http = () => request(fixture.baseUrl);
  /**
   * Signs in with `token` (once per token: sign-in is rate-limited); the `liberty_session=<id>`
   * pair to send as the Cookie header.
   */
  const sessions = new Map<string, string>();
  const sessionOf = async (token: string) => {
    if (!sessions.has(token)) {
      const response = await http().post('/api/session').send({ token }).expect(204);
      sessions.set(token, String(response.headers['set-cookie']).split(';')[0]);
    }
    return sessions.get(token)!;
  };

  it('serves the login page to anyone, with a strict content security policy', async () => {
    const response = await http().get('/login').expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.text).toContain('<form id="login-form"');
    expect(response.text).not.toMatch(/<script>|\son[a-z]+=/); // no inline script or handlers
  });

  it.each([
    ['no token', {}],
    ['an invalid session cookie', { Cookie: 'liberty_session=nope' }],
    ['an invalid bearer token', { Authorization: 'Bearer nope' }],
  ])('redirects %s from /settings/license to the login page', async (_, headers) => {
    const response = await http().get('/settings/license').set(headers).expect(302);
    expect(response.headers.location).toBe('/login?next=%2Fsettings%2Flicense');
  });

  it('answers a user without license:read with a 403 HTML page naming the permission', async () => {
    const response = await http()
      .get('/settings/license')
      .set('Cookie', await sessionOf(viewerToken))
      .expect(403);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.text).toContain('<h1 id="error-title">Access denied</h1>');
    expect(response.text).toContain('This page needs the permission <code>license:read</code>.');
    expect(response.text).toContain('href="/login?next=%2Fsettings%2Flicense"');
  });

  it('serves the License page to the admin, by cookie or bearer token', async () => {
    const byCookie = await http()
      .get('/settings/license')
      .set('Cookie', await sessionOf(fixture.adminToken))
      .expect(200);
    expect(byCookie.text).toContain('<script type="module" src="/assets/license.js"></script>');
    await http().get('/settings/license').set('Authorization', `Bearer ${fixture.adminToken}`).expect(200);
  });

  it('sends a signed-out visitor from the home page to the login page, and serves it to any signed-in user', async () => {
    const signedOut = await http().get('/').expect(302);
    expect(signedOut.headers.location).toBe('/login?next=%2F');
    const home = await http()
      .get('/')
      .set('Cookie', await sessionOf(viewerToken))
      .expect(200);
    expect(home.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(home.headers['content-security-policy']).toContain("script-src 'self'");
    expect(home.text).toContain('<script type="module" src="/assets/home.js"></script>');
    expect(home.text).not.toMatch(/<script>|\son[a-z]+=/);
  });

  it.each([
    ['/settings/framework/license', 'settings:framework', 'framework-license.js'],
    ['/settings/connectors', 'settings:framework', 'connectors.js'],
    ['/users', 'users:write', 'users.js'],
  ])('%s: login redirect signed out, a 403 page without %s, the page with it', async (path, permission, script) => {
    const signedOut = await http().get(path).expect(302);
    expect(signedOut.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
    const denied = await http()
      .get(path)
      .set('Cookie', await sessionOf(viewerToken))
      .expect(403);
    expect(denied.text).toContain(`This page needs the permission <code>${permission}</code>.`);
    const page = await http()
      .get(path)
      .set('Cookie', await sessionOf(fixture.adminToken))
      .expect(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain(`<script type="module" src="/assets/${script}"></script>`);
    expect(page.text).not.toMatch(/<script>|\son[a-z]+=/);
  });

  it.each(['/apps/nomajde', '/apps/nomajde/address-book', '/apps/unknown/screen'])(
    "serves a packaged app's screen page at %s to any signed-in user (the page says whether it is available)",
    async (path) => {
      await http().get(path).expect(302);
      const page = await http()
        .get(path)
        .set('Cookie', await sessionOf(viewerToken))
        .expect(200);
      expect(page.text).toContain('<script type="module" src="/assets/app-screen.js"></script>');
    },
  );

  it('serves the banner to any signed-in user, without claims', async () => {
    const response = await http().get('/api/license/banner').set('Authorization', `Bearer ${viewerToken}`).expect(200);
    expect(response.body).toEqual({ shown: false, mode: 'restricted', tone: 'info', status: 'accepted', text: '' });
  });

  it.each([
    ['/assets/app.css', 'text/css; charset=utf-8'],
    ['/assets/screens.css', 'text/css; charset=utf-8'],
    ['/assets/shell.js', 'text/javascript; charset=utf-8'],
    ['/assets/home.js', 'text/javascript; charset=utf-8'],
    ['/assets/framework-license.js', 'text/javascript; charset=utf-8'],
    ['/assets/connectors.js', 'text/javascript; charset=utf-8'],
    ['/assets/users.js', 'text/javascript; charset=utf-8'],
    ['/assets/app-screen.js', 'text/javascript; charset=utf-8'],
    ['/assets/license.js', 'text/javascript; charset=utf-8'],
    ['/assets/login.js', 'text/javascript; charset=utf-8'],
    ['/assets/favicon.svg', 'image/svg+xml'],
  ])('serves %s publicly as %s', async (path, type) => {
    const response = await http().get(path).expect(200);
    expect(response.headers['content-type']).toBe(type);
  });

  it.each(['/assets/nope.js', '/assets/..%2Fapp.toml', '/assets/..%2F..%2Fpackage.json', '/assets/license.html'])(
    'serves nothing outside the asset list: %s',
    async (path) => {
      await http().get(path).expect(404);
    },
  );

  it('keeps the JSON API answering in JSON (the HTML error pages are for pages only)', async () => {
    const response = await http().get('/api/license').expect(401);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });
});
