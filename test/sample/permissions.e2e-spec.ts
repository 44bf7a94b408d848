import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import request from 'supertest';
import { createSampleApp } from '../../apps/sample/src/app.js';
import { CapturingLogger, claims, issue, PERMISSIONS, SampleApp, type Permission } from './sample-fixture.js';

// Every route × permission: 401 without a valid token, 403 PERMISSION_REQUIRED without the
// permission, success with exactly that permission.

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface Route {
  method: Method;
  path: string;
  permission: Permission | null;
  ok: number;
  body?: unknown;
}

const ROUTES: Route[] = [
  { method: 'get', path: '/api/license', permission: 'license:read', ok: 200 },
  { method: 'get', path: '/api/license/status', permission: 'license:read', ok: 200 },
  { method: 'get', path: '/api/license/banner', permission: null, ok: 200 },
  { method: 'post', path: '/api/license/reverify', permission: 'license:write', ok: 200 },
  { method: 'get', path: '/api/settings/framework/license', permission: 'settings:framework', ok: 200 },
  {
    method: 'put',
    path: '/api/settings/framework/license',
    permission: 'settings:framework',
    ok: 200,
    body: { enforcement: 'restricted' },
  },
  { method: 'get', path: '/api/settings/connectors', permission: 'settings:framework', ok: 200 },
  {
    method: 'patch',
    path: '/api/settings/connectors/rest',
    permission: 'settings:framework',
    ok: 200,
    body: { licensed: false },
  },
  { method: 'get', path: '/api/users', permission: 'users:write', ok: 200 },
  { method: 'get', path: '/api/users/seats', permission: 'users:write', ok: 200 },
  { method: 'get', path: '/api/permissions', permission: 'users:write', ok: 200 },
  {
    method: 'post',
    path: '/api/users',
    permission: 'users:write',
    ok: 201,
    body: { name: 'new', permissions: [], enabled: false },
  },
  { method: 'patch', path: '/api/users/:target', permission: 'users:write', ok: 200, body: { name: 'renamed' } },
  { method: 'get', path: '/api/catalogue', permission: null, ok: 200 },
  { method: 'get', path: '/api/ai/tools', permission: null, ok: 200 },
  { method: 'get', path: '/api/menus', permission: null, ok: 200 },
  { method: 'get', path: '/api/apps', permission: null, ok: 200 },
  { method: 'get', path: '/api/connectors/postgres', permission: null, ok: 200 },
  { method: 'get', path: '/api/connectors/sap', permission: null, ok: 200 },
  { method: 'get', path: '/api/connectors/sap/tables', permission: null, ok: 200 },
  { method: 'get', path: '/api/connectors/postgres/schemas', permission: null, ok: 200 },
  {
    method: 'post',
    path: '/api/ai/messages',
    permission: null,
    ok: 200,
    body: { provider: 'anthropic', message: 'hello' },
  },
  { method: 'get', path: '/api/me', permission: null, ok: 200 },
];

describe('sample app auth and permissions', () => {
  let kit: LicenseTestKit;
  let sample: SampleApp;
  let target: string;
  const only = new Map<Permission, string>();
  const allBut = new Map<Permission, string>();
  let nobody: string;

  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    const token = await issue(kit, {
      claims: claims({
        connectors: ['sap'],
        users: { max: 100 },
        ai: { providers: ['anthropic'], messagesPerDay: 1000 },
      }),
    });
    // Every route is tried with a wrong token: far more failures than the lock-out allows
    // (test/sample/sign-in-security.e2e-spec.ts covers the lock-out).
    process.env.LIBERTY_AUTH_RATE_LIMIT = '10000';
    sample = await SampleApp.start(kit, { token });
    for (const permission of PERMISSIONS) {
      only.set(permission, (await sample.user([permission], `only ${permission}`)).token);
      allBut.set(
        permission,
        (
          await sample.user(
            PERMISSIONS.filter((p) => p !== permission),
            `all but ${permission}`,
          )
        ).token,
      );
    }
    nobody = (await sample.user([], 'nobody')).token;
    target = (await sample.user([], 'target')).id;
  });
  afterAll(async () => {
    delete process.env.LIBERTY_AUTH_RATE_LIMIT;
    await sample.close();
  });

  const pathOf = (route: Route) => route.path.replace(':target', target);
  const describeRoute = (route: Route) => `${route.method.toUpperCase()} ${route.path}`;

  it.each(ROUTES.map((r) => [describeRoute(r), r] as const))(
    '%s: 401 without a token or with a wrong one',
    async (_, route) => {
      for (const token of [null, 'not-a-valid-token']) {
        const response = await sample.call(route.method, pathOf(route), { token, body: route.body });
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ statusCode: 401, code: 'UNAUTHORIZED', message: expect.any(String) }); // code: issue 20, one body on every transport
      }
    },
  );

  it.each(ROUTES.filter((r) => r.permission).map((r) => [describeRoute(r), r] as const))(
    '%s: 403 PERMISSION_REQUIRED without the permission, success with it',
    async (_, route) => {
      const permission = route.permission!;
      for (const token of [nobody, allBut.get(permission)!]) {
        const denied = await sample.call(route.method, pathOf(route), { token, body: route.body });
        expect(denied.status).toBe(403);
        expect(denied.body).toEqual({
          statusCode: 403,
          code: 'PERMISSION_REQUIRED',
          permission,
          message: `Requires permission ${permission}`,
        });
      }
      const allowed = await sample.call(route.method, pathOf(route), {
        token: only.get(permission)!,
        body: route.body,
      });
      expect(allowed.status).toBe(route.ok);
    },
  );

  it.each(ROUTES.filter((r) => !r.permission).map((r) => [describeRoute(r), r] as const))(
    '%s: any authenticated user',
    async (_, route) => {
      const response = await sample.call(route.method, pathOf(route), { token: nobody, body: route.body });
      expect(response.status).toBe(route.ok);
    },
  );

  it('GET /health needs no token', async () => {
    expect((await sample.get('/health', null)).status).toBe(200);
  });

  it('GET /api/me returns the user without its token', async () => {
    const response = await sample.get('/api/me', only.get('license:read'));
    expect(response.body).toEqual({ id: expect.any(String), name: 'only license:read', permissions: ['license:read'] });
    expect((await sample.get('/api/me')).body).toEqual({ id: 'admin', name: 'admin', permissions: [...PERMISSIONS] });
  });

  it('menus show settings entries only to users holding their permission', async () => {
    const forNobody = (await sample.get('/api/menus', nobody)).body.map((m: { id: string }) => m.id);
    expect(forNobody).toEqual(['catalogue', 'ai']);
    const forReader = (await sample.get('/api/menus', only.get('license:read'))).body.map((m: { id: string }) => m.id);
    expect(forReader).toEqual(['catalogue', 'ai', 'settings.license']);
  });

  it('changing public_key_path also needs license:write (file untouched without it)', async () => {
    const settingsOnly = only.get('settings:framework')!;
    const before = await sample.readConfig();
    const denied = await sample.call('put', '/api/settings/framework/license', {
      token: settingsOnly,
      body: { public_key_path: 'other.pem' },
    });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 'PERMISSION_REQUIRED', permission: 'license:write' });
    expect(await sample.readConfig()).toBe(before);
    // Same path as now: no license:write needed.
    const same = await sample.call('put', '/api/settings/framework/license', {
      token: settingsOnly,
      body: { public_key_path: 'public.pem', enforcement: 'restricted' },
    });
    expect(same.status).toBe(200);
    const both = (await sample.user(['settings:framework', 'license:write'], 'both')).token;
    const allowed = await sample.call('put', '/api/settings/framework/license', {
      token: both,
      body: { public_key_path: './public.pem' },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.body.public_key_path).toBe('./public.pem');
    expect((await sample.get('/api/license')).body.status).toBe('accepted');
  });

  describe('browser session cookie', () => {
    it('POST /api/session sets an HttpOnly, SameSite=Strict session cookie that authenticates; DELETE clears it', async () => {
      const token = only.get('license:read')!;
      const signIn = await sample.call('post', '/api/session', { token: null, body: { token } });
      expect(signIn.status).toBe(204);
      const cookie = String(signIn.headers['set-cookie']);
      expect(cookie).toMatch(/^liberty_session=[^;]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800$/);
      expect(cookie).not.toContain(token);
      const pair = cookie.split(';')[0];
      const me = await sample.call('get', '/api/me', { token: null, cookie: pair });
      expect(me.status).toBe(200);
      expect(me.body.name).toBe('only license:read');
      const license = await sample.call('get', '/api/license', { token: null, cookie: `other=1; ${pair}` });
      expect(license.status).toBe(200);
      const denied = await sample.call('get', '/api/users', { token: null, cookie: pair });
      expect(denied.status).toBe(403);

      const signOut = await sample.call('delete', '/api/session', { token: null, cookie: pair });
      expect(signOut.status).toBe(204);
      expect(String(signOut.headers['set-cookie'])).toMatch(/^liberty_session=; .*Max-Age=0/);
      expect((await sample.call('get', '/api/me', { token: null, cookie: pair })).status).toBe(401);
    });

    it('POST /api/session with a wrong token is 401 and sets no cookie; a bad body is 400', async () => {
      const wrong = await sample.call('post', '/api/session', { token: null, body: { token: 'nope' } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers['set-cookie']).toBeUndefined();
      const bad = await sample.call('post', '/api/session', { token: null, body: { token: 42 } });
      expect(bad.status).toBe(400);
    });

    it('a wrong cookie is 401', async () => {
      expect((await sample.call('get', '/api/me', { token: null, cookie: 'liberty_session=forged' })).status).toBe(401);
      // The old cookie carried the bearer token itself; it is no longer read.
      expect(
        (await sample.call('get', '/api/me', { token: null, cookie: `liberty_token=${sample.adminToken}` })).status,
      ).toBe(401);
    });
  });

  it('a disabled user is refused (401) and a re-enabled one is accepted again', async () => {
    const user = await sample.user([], 'temp');
    expect((await sample.call('patch', `/api/users/${user.id}`, { body: { enabled: false } })).status).toBe(200);
    expect((await sample.get('/api/me', user.token)).status).toBe(401);
    expect((await sample.call('post', '/api/session', { token: null, body: { token: user.token } })).status).toBe(401);
    expect((await sample.call('patch', `/api/users/${user.id}`, { body: { enabled: true } })).status).toBe(200);
    expect((await sample.get('/api/me', user.token)).status).toBe(200);
  });
});

describe('admin token', () => {
  it('is generated and logged once when LIBERTY_ADMIN_TOKEN is unset, and works', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'liberty-sample-'));
    await writeFile(join(dir, 'app.toml'), '[license]\nlicense_key = "${LIBERTY_TEST_UNSET_KEY_VAR}"\n');
    delete process.env.LIBERTY_ADMIN_TOKEN;
    const logger = new CapturingLogger();
    const app = await createSampleApp({ configPath: join(dir, 'app.toml'), dataDir: join(dir, 'data'), logger });
    await app.listen(0, '127.0.0.1');
    try {
      const lines = logger.lines.filter((line) => line.includes('admin token'));
      expect(lines).toHaveLength(1);
      const token = /admin token for this run is: (\S+)/.exec(lines[0])![1];
      const me = await request(app.getHttpServer()).get('/api/me').set('Authorization', `Bearer ${token}`);
      expect(me.status).toBe(200);
      expect(me.body.id).toBe('admin');
      expect((await request(app.getHttpServer()).get('/api/me').set('Authorization', 'Bearer x')).status).toBe(401);
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
