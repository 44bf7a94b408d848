// The security review of issue 13, finding by finding, against the real sample app over HTTP
// (in-process on 127.0.0.1, port 0) and, for startup behaviour, the built app as a child process.
// Each test reproduces the review's observation and fails on the code before the fix.
// Finding 2 (open redirect) needs a browser: test/browser/open-redirect.e2e-spec.ts.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import request from 'supertest';
import { createSampleApp } from '../../apps/sample/src/app.js';
import { checkAdminToken } from '../../apps/sample/src/auth/admin-token.validator.js';
import { craftJws } from '../library/support/tokens.js';
import { claims, issue, sampleToml, SampleApp, unique } from './sample-fixture.js';
import { AppProcess, requireBuilt, SAMPLE_MAIN, SampleProcess } from '../support/apps.js';
import { specTimeout } from '../support/suite.js';

specTimeout(60_000);

describe('sign-in-security', () => {
  /**
   * A hang detector, generous for a loaded 2-core machine: the fixed reads take milliseconds, the old
   * ones forever (a FIFO) or gigabytes (/dev/zero — caught by the child's peak RSS below).
   */
  const FAST_MS = 10_000;

  let kit: LicenseTestKit;
  let dir: string;

  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    dir = await mkdtemp(join(tmpdir(), 'liberty-security-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** An app per test group: throttling state and sessions must not leak between them. */
  async function startApp(options: Parameters<typeof SampleApp.start>[1] = {}): Promise<SampleApp> {
    return SampleApp.start(kit, { token: await issue(kit, { claims: claims({ users: { max: 100 } }) }), ...options });
  }

  /** `liberty_session=<id>` for `token`, through the real sign-in route. */
  async function signIn(sample: SampleApp, token: string): Promise<string> {
    const response = await sample.call('post', '/api/session', { token: null, body: { token } });
    expect(response.status).toBe(204);
    return String(response.headers['set-cookie']).split(';')[0];
  }

  describe('finding 1: sign-in and bearer guessing are throttled; a weak admin token is refused', () => {
    let sample: SampleApp;
    beforeEach(async () => {
      sample = await startApp();
    });
    afterEach(() => sample.close());

    it('wrong tokens at sign-in: 10 get 401, then 429 TOO_MANY_ATTEMPTS with Retry-After — even for the right token', async () => {
      for (let i = 0; i < 10; i++) {
        expect((await sample.call('post', '/api/session', { token: null, body: { token: `guess-${i}` } })).status).toBe(
          401,
        );
      }
      const locked = await sample.call('post', '/api/session', { token: null, body: { token: 'guess-10' } });
      expect(locked.status).toBe(429);
      expect(locked.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_ATTEMPTS' });
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      const right = await sample.call('post', '/api/session', { token: null, body: { token: sample.adminToken } });
      expect(right.status).toBe(429);
      expect(right.headers['set-cookie']).toBeUndefined();
    });

    it('sign-in itself is rate-limited by @nestjs/throttler: the 11th attempt in a minute gets 429', async () => {
      for (let i = 0; i < 10; i++) await signIn(sample, sample.adminToken);
      const throttled = await sample.call('post', '/api/session', { token: null, body: { token: sample.adminToken } });
      expect(throttled.status).toBe(429);
      expect(throttled.body.code).toBe('TOO_MANY_ATTEMPTS');
      expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('wrong bearer tokens: 10 get 401, then the client is locked out (429), valid bearer included; a signed-in browser session keeps working', async () => {
      const session = await signIn(sample, sample.adminToken);
      for (let i = 0; i < 10; i++) expect((await sample.get('/api/me', `guess-${i}`)).status).toBe(401);
      const locked = await sample.get('/api/me', 'guess-10');
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect((await sample.get('/api/me')).status).toBe(429); // the admin's own token, same client
      expect((await sample.call('get', '/api/me', { token: null, cookie: session })).status).toBe(200);
    });
  });

  /** The built app with `env` (PORT=0). */
  function runMain(env: Record<string, string>): AppProcess {
    requireBuilt(SAMPLE_MAIN);
    return AppProcess.spawn(SAMPLE_MAIN, { PORT: '0', ...env });
  }

  describe('startup (the built app)', () => {
    let config: string;
    beforeAll(async () => {
      config = join(dir, 'startup.toml');
      await writeFile(config, sampleToml({ keyVar: unique('LIBERTY_TEST_KEY'), publicKeyPath: '' }));
    });

    it.each(['a', 'change-me', 'demo-admin-token', 'x'.repeat(23)])(
      'finding 1: LIBERTY_ADMIN_TOKEN=%s is refused, saying why',
      (token) => {
        expect(() => checkAdminToken(token)).toThrow(
          `LIBERTY_ADMIN_TOKEN is too short (${token.length} character${token.length === 1 ? '' : 's'}; at least 24 required)`,
        );
        expect(() => checkAdminToken(token)).toThrow('openssl rand -hex 24');
      },
    );

    it('finding 1: the app started with a weak LIBERTY_ADMIN_TOKEN exits 1 with that one line', async () => {
      // One process for the table above: main.ts prints the refusal as one line, no stack trace.
      const app = runMain({ LIBERTY_CONFIG: config, LIBERTY_ADMIN_TOKEN: 'change-me' });
      expect(await app.exited).toBe(1);
      expect(app.output).toContain('LIBERTY_ADMIN_TOKEN is too short (9 characters; at least 24 required)');
      expect(app.output).toContain('openssl rand -hex 24');
      expect(app.output).not.toContain('    at ');
    });

    it('finding 12: listens on 127.0.0.1 by default; LIBERTY_HOST (or HOST) changes it', async () => {
      const token = execFileSync('openssl', ['rand', '-hex', '24'], { encoding: 'utf8' }).trim();
      // Three processes at once, each on its own data dir (SQLite serves one process; never the
      // repository's apps/sample/data).
      const start = (name: string, host: Record<string, string>) =>
        runMain({
          LIBERTY_CONFIG: config,
          LIBERTY_ADMIN_TOKEN: token,
          LIBERTY_DATA_DIR: join(dir, `data-${name}`),
          ...host,
        });
      const loopback = start('default', {});
      const everywhere = ['LIBERTY_HOST', 'HOST'].map((variable) => start(variable, { [variable]: '0.0.0.0' }));
      try {
        const [url] = await Promise.all([loopback, ...everywhere].map((app) => app.listening(30_000)));
        expect(loopback.loggedUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect((await request(url).get('/api/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
        for (const app of everywhere) expect(app.loggedUrl).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      } finally {
        await Promise.all([loopback, ...everywhere].map((app) => app.stop()));
      }
    });
  });

  describe('findings 3 and 9: permissions', () => {
    let sample: SampleApp;
    let usersOnly: { id: string; token: string };
    beforeAll(async () => {
      sample = await startApp();
      usersOnly = await sample.user(['users:write'], 'users only');
    });
    afterAll(() => sample.close());

    it('3: a users:write-only user cannot create a user holding permissions it does not hold (403), only its own', async () => {
      const all = await sample.call('post', '/api/users', {
        token: usersOnly.token,
        body: { name: 'evil', permissions: ['license:read', 'license:write', 'settings:framework', 'users:write'] },
      });
      expect(all.status).toBe(403);
      expect(all.body).toEqual({
        statusCode: 403,
        code: 'PERMISSION_GRANT_DENIED',
        permission: 'license:read',
        message: 'You cannot grant license:read: you do not hold it',
      });
      const same = await sample.call('post', '/api/users', {
        token: usersOnly.token,
        body: { name: 'peer', permissions: ['users:write'] },
      });
      expect(same.status).toBe(201);
    });

    it('3: nobody changes their own permissions', async () => {
      const self = await sample.call('patch', `/api/users/${usersOnly.id}`, {
        token: usersOnly.token,
        body: { permissions: ['license:read', 'license:write', 'settings:framework', 'users:write'] },
      });
      expect(self.status).toBe(403);
      expect(self.body.code).toBe('PERMISSION_GRANT_DENIED');
      expect(self.body.message).toBe('Nobody can change their own permissions; ask another administrator');
      const me = (await sample.call('get', '/api/users')).body.find((u: { id: string }) => u.id === usersOnly.id);
      expect(me.permissions).toEqual(['users:write']);
    });

    it('3: no granting to others a permission one lacks, and no changing a user stronger than oneself', async () => {
      const weak = await sample.user([], 'weak');
      const grant = await sample.call('patch', `/api/users/${weak.id}`, {
        token: usersOnly.token,
        body: { permissions: ['license:write'] },
      });
      expect(grant.status).toBe(403);
      expect(grant.body.permission).toBe('license:write');
      const strong = await sample.user(['users:write', 'license:write'], 'strong');
      for (const body of [{ enabled: false }, { name: 'renamed' }, { permissions: ['users:write'] }]) {
        const response = await sample.call('patch', `/api/users/${strong.id}`, { token: usersOnly.token, body });
        expect(response.status).toBe(403);
        expect(response.body).toMatchObject({ code: 'PERMISSION_GRANT_DENIED', permission: 'license:write' });
      }
      // The admin (every permission) still manages everybody.
      expect(
        (await sample.call('patch', `/api/users/${weak.id}`, { body: { permissions: ['license:write'] } })).status,
      ).toBe(200);
    });

    it('9: settings:framework alone cannot switch enforcement to soft; with license:write it can', async () => {
      const framework = await sample.user(['settings:framework'], 'framework only');
      const denied = await sample.call('put', '/api/settings/framework/license', {
        token: framework.token,
        body: { enforcement: 'soft' },
      });
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({
        statusCode: 403,
        code: 'PERMISSION_REQUIRED',
        permission: 'license:write',
        message: 'Changing enforcement requires permission license:write',
      });
      expect((await sample.get('/api/license')).body.enforcement).toBe('restricted');
      expect(await sample.readConfig()).toContain('enforcement = "restricted"');
      // Unchanged settings still save with settings:framework alone.
      expect(
        (
          await sample.call('put', '/api/settings/framework/license', {
            token: framework.token,
            body: { enforcement: 'restricted' },
          })
        ).status,
      ).toBe(200);
      const both = await sample.user(['settings:framework', 'license:write'], 'both');
      const allowed = await sample.call('put', '/api/settings/framework/license', {
        token: both.token,
        body: { enforcement: 'soft' },
      });
      expect(allowed.status).toBe(200);
      expect((await sample.get('/api/license')).body.enforcement).toBe('soft');
    });

    it('9: settings:framework alone cannot turn Licensed off on a connector (it would open it); turning it on is allowed', async () => {
      const framework = await sample.user(['settings:framework'], 'framework toggles');
      const denied = await sample.call('patch', '/api/settings/connectors/sap', {
        token: framework.token,
        body: { licensed: false },
      });
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({
        statusCode: 403,
        code: 'PERMISSION_REQUIRED',
        permission: 'license:write',
        message: 'Turning off Licensed on a connector requires permission license:write',
      });
      const sap = async () =>
        ((await sample.get('/api/settings/connectors')).body as Array<{ id: string; licensed: boolean }>).find(
          (c) => c.id === 'sap',
        );
      expect(await sap()).toMatchObject({ licensed: true });
      expect(
        (
          await sample.call('patch', '/api/settings/connectors/rest', {
            token: framework.token,
            body: { licensed: true },
          })
        ).status,
      ).toBe(200);
      const both = await sample.user(['settings:framework', 'license:write'], 'both toggles');
      expect(
        (await sample.call('patch', '/api/settings/connectors/sap', { token: both.token, body: { licensed: false } }))
          .status,
      ).toBe(200);
      expect(await sap()).toMatchObject({ licensed: false });
    });
  });

  describe('finding 4: CSRF — state-changing requests need JSON and this origin', () => {
    let sample: SampleApp;
    let session: string;
    beforeAll(async () => {
      sample = await startApp({
        token: await issue(kit, {
          claims: claims({ users: { max: 100 }, ai: { providers: ['anthropic'], messagesPerDay: 100 } }),
        }),
      });
      session = await signIn(sample, sample.adminToken);
    });
    afterAll(() => sample.close());

    const userNames = async () => (await sample.get('/api/users')).body.map((u: { name: string }) => u.name);

    it.each([
      ['POST', '/api/users', 'name=csrf&permissions=users%3Awrite'],
      ['POST', '/api/license/reverify', 'x=1'],
      ['POST', '/api/ai/messages', 'provider=anthropic&message=hi'],
      ['PUT', '/api/settings/framework/license', 'enforcement=soft'],
      ['POST', '/api/session', `token=${'x'.repeat(30)}`],
    ])('%s %s with a form-encoded body and the session cookie → 415 JSON_REQUIRED', async (method, path, form) => {
      const response = await request(sample.url)
        [method.toLowerCase() as 'post' | 'put'](path)
        .set('Cookie', session)
        .type('form')
        .send(form);
      expect(response.status).toBe(415);
      expect(response.body).toMatchObject({ statusCode: 415, code: 'JSON_REQUIRED' });
    });

    it.each([
      ['text/plain (what a form with enctype text/plain sends)', 'text/plain', '{"name":"csrf","permissions":[]}'],
      [
        'multipart/form-data',
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\ncsrf\r\n--x--\r\n',
      ],
    ])('POST /api/users as %s → 415', async (_what, type, body) => {
      const response = await request(sample.url)
        .post('/api/users')
        .set('Cookie', session)
        .set('Content-Type', type)
        .send(body);
      expect(response.status).toBe(415);
      expect(await userNames()).not.toContain('csrf');
    });

    it.each([
      ['an Origin on another port of the same host', { Origin: 'http://127.0.0.1:1' }],
      ['Origin null (a sandboxed page)', { Origin: 'null' }],
      ['Sec-Fetch-Site: same-site', { 'Sec-Fetch-Site': 'same-site' }],
      ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ])('a JSON POST from %s → 403 CROSS_ORIGIN_REQUEST, nothing created', async (_what, headers) => {
      for (const [path, body] of [
        ['/api/users', { name: 'csrf', permissions: [] }],
        ['/api/license/reverify', {}],
        ['/api/ai/messages', { provider: 'anthropic', message: 'hi' }],
      ] as const) {
        const response = await request(sample.url).post(path).set('Cookie', session).set(headers).send(body);
        expect(response.status).toBe(403);
        expect(response.body).toMatchObject({ statusCode: 403, code: 'CROSS_ORIGIN_REQUEST' });
      }
      expect(await userNames()).not.toContain('csrf');
    });

    it('behind an HTTPS proxy without LIBERTY_TRUST_PROXY the refusal says what to set', async () => {
      const response = await request(sample.url)
        .post('/api/users')
        .set('Cookie', session)
        .set('Origin', sample.url.replace('http:', 'https:'))
        .send({ name: 'proxied', permissions: [] });
      expect(response.status).toBe(403);
      expect(response.body.message).toBe(
        `Cross-origin request refused (Origin ${sample.url.replace('http:', 'https:')} is not this app's origin ${sample.url}; behind a reverse proxy, set LIBERTY_TRUST_PROXY)`,
      );
    });

    it("the app's own pages (same Origin, Sec-Fetch-Site: same-origin, JSON) and non-browser clients still work", async () => {
      const sameOrigin = await request(sample.url)
        .post('/api/users')
        .set('Cookie', session)
        .set({ Origin: sample.url, 'Sec-Fetch-Site': 'same-origin' })
        .send({ name: 'ok', permissions: [] });
      expect(sameOrigin.status).toBe(201);
      // Re-verify from the License page: a POST without a body.
      const reverify = await request(sample.url)
        .post('/api/license/reverify')
        .set('Cookie', session)
        .set({ Origin: sample.url, 'Sec-Fetch-Site': 'same-origin' });
      expect(reverify.status).toBe(200);
      expect((await sample.call('post', '/api/users', { body: { name: 'by bearer', permissions: [] } })).status).toBe(
        201,
      );
    });
  });

  describe('findings 5, 6 and 8: files an operator names', () => {
    let sample: SampleApp;
    let fifo: string;
    beforeAll(async () => {
      sample = await startApp();
      fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
    });
    afterAll(() => sample.close());

    it('8: an X.509 certificate as public_key_path is refused with the reason', async () => {
      const certificate = execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'cert-key.pem'),
          '-subj',
          '/CN=unrelated',
          '-days',
          '1',
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      );
      await writeFile(join(dir, 'cert.pem'), certificate);
      const response = await sample.call('put', '/api/settings/framework/license', {
        body: { public_key_path: join(dir, 'cert.pem') },
      });
      expect(response.status).toBe(400);
      expect(response.body.message[0]).toContain('an X.509 certificate was given');
    });

    // Since DESIGN 5e (key store outages keep the license), an unreadable secret keeps the last answer
    // rather than dropping to not-configured; what finding 6 is about stays: a warning at once, no hang.
    it('6: LIBERTY_LICENSE_KEY_FILE → /dev/zero or a FIFO: a warning in milliseconds, the license as it was, no hang', async () => {
      const before = (await sample.get('/api/license')).body.status;
      for (const path of ['/dev/zero', fifo]) {
        process.env[`${sample.keyVar}`] = '';
        process.env[`${sample.keyVar}_FILE`] = path;
        const started = performance.now();
        const response = await sample.call('post', '/api/license/reverify');
        expect(performance.now() - started).toBeLessThan(FAST_MS);
        expect(response.body.status).toBe(before);
        expect(response.body.warnings.join('\n')).toMatch(
          /cannot read LIBERTY_TEST_KEY_\w+_FILE \(not a regular file \((character device|FIFO)\)\)/,
        );
      }
    });

    it('5: LIBERTY_CONFIG → /dev/zero or a FIFO: a clear startup error at once', async () => {
      for (const [path, detail] of [
        ['/dev/zero', 'not a regular file (character device)'],
        [fifo, 'not a regular file (FIFO)'],
      ]) {
        const started = performance.now();
        await expect(createSampleApp({ configPath: path, logger: false })).rejects.toThrow(
          `Invalid configuration in ${path}: cannot read the file (${detail})`,
        );
        expect(performance.now() - started).toBeLessThan(FAST_MS);
      }
    });
  });

  // The built app as a child process: its peak RSS comes from the kernel, without Jest's heap in it.
  describe('finding 5: public_key_path → a hostile file (the built app as a child process)', () => {
    let app: SampleProcess;
    let fifo: string;
    beforeAll(async () => {
      const childDir = await mkdtemp(join(dir, 'child-'));
      fifo = join(childDir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const keyVar = unique('LIBERTY_TEST_KEY');
      await writeFile(join(childDir, 'public.pem'), kit.publicKey);
      await writeFile(join(childDir, 'app.toml'), sampleToml({ keyVar }));
      app = await SampleProcess.start({
        LIBERTY_CONFIG: join(childDir, 'app.toml'),
        LIBERTY_ADMIN_TOKEN: 'security-admin-0123456789abcdef',
        LIBERTY_DATA_DIR: join(childDir, 'data'),
        [keyVar]: await issue(kit, { claims: claims({ users: { max: 100 } }) }),
      });
    });
    afterAll(() => app?.stop());

    /** The child's peak resident set so far (VmHWM), in bytes. */
    const peakRss = async () =>
      Number(/^VmHWM:\s+(\d+) kB$/m.exec(await readFile(`/proc/${app.child.pid}/status`, 'utf8'))?.[1]) * 1024;

    it.each([
      ['/dev/zero', () => '/dev/zero', 'not a regular file (character device)'],
      ['a FIFO', () => fifo, 'not a regular file (FIFO)'],
      ['a directory', () => dir, 'EISDIR'],
    ])('5: public_key_path → %s: 400 at once, memory bounded, the app keeps serving', async (_what, path, detail) => {
      const peak = await peakRss();
      for (let i = 0; i < 4; i++) {
        const started = performance.now();
        const response = await app.call('put', '/api/settings/framework/license', { public_key_path: path() });
        expect(performance.now() - started).toBeLessThan(FAST_MS);
        expect(response.status).toBe(400);
        expect(response.body.message).toEqual([
          `public_key_path: public key unavailable (cannot read ${path()}: ${detail})`,
        ]);
      }
      expect((await peakRss()) - peak).toBeLessThan(20 * 1024 * 1024);
      const reverify = await app.call('post', '/api/license/reverify');
      expect(reverify.status).toBe(200);
      expect(reverify.body.status).toBe('accepted');
    });
  });

  describe('findings 7 and 13: what a crafted key does to the app', () => {
    it("7: an alg that tries to add log fields is escaped in the app's log line", async () => {
      const token = craftJws({ alg: '") forged="yes' }, { customer: 'x' }, 'RS256', kit.privateKey);
      const sample = await startApp({ token });
      try {
        const line = sample.logger.lines.find((l) => l.includes('license rejected'));
        expect(line).toContain('license rejected — reason="unsupported algorithm (\\") forged=\\"yes)"');
      } finally {
        await sample.close();
      }
    });

    it.each([
      [
        'a numeric kid',
        () => craftJws({ alg: 'RS256', kid: 7 }, JSON.stringify(validClaims()), 'RS256', kit.privateKey),
      ],
      [
        'a null kid',
        () => craftJws({ alg: 'RS256', kid: null }, JSON.stringify(validClaims()), 'RS256', kit.privateKey),
      ],
      [
        'a BOM before the payload',
        () => craftJws({ alg: 'RS256' }, `\ufeff${JSON.stringify(validClaims())}`, 'RS256', kit.privateKey),
      ],
    ])('13: a key with %s is malformed, like a BOM before the header', async (_what, token) => {
      const sample = await startApp({ token: token() });
      try {
        expect((await sample.get('/api/license')).body).toMatchObject({ status: 'rejected', reason: 'malformed' });
      } finally {
        await sample.close();
      }
    });
  });

  function validClaims(): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return { aud: 'liberty', customer: 'Acme Corp', iat: now - 60, exp: now + 86_400 };
  }

  describe('finding 10: sessions', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      sample = await startApp();
    });
    afterAll(async () => {
      delete process.env.LIBERTY_TRUST_PROXY;
      await sample.close();
    });

    it('the cookie is a server-side session id (not the token), HttpOnly, SameSite=Strict, with Max-Age; no Secure over http', async () => {
      const response = await sample.call('post', '/api/session', { token: null, body: { token: sample.adminToken } });
      const cookie = String(response.headers['set-cookie']);
      expect(cookie).toMatch(/^liberty_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800$/);
      expect(cookie).not.toContain(sample.adminToken);
      // The session id is no bearer token.
      expect((await sample.get('/api/me', cookie.split(';')[0].split('=')[1])).status).toBe(401);
    });

    it('sign-out revokes the session: the old cookie then gets 401', async () => {
      const session = await signIn(sample, sample.adminToken);
      expect((await sample.call('get', '/api/license', { token: null, cookie: session })).status).toBe(200);
      expect((await sample.call('delete', '/api/session', { token: null, cookie: session })).status).toBe(204);
      const reused = await sample.call('get', '/api/license', { token: null, cookie: session });
      expect(reused.status).toBe(401);
      expect((await sample.call('post', '/api/license/reverify', { token: null, cookie: session })).status).toBe(401);
    });

    it("a disabled user's session stops working at once", async () => {
      const user = await sample.user(['license:read'], 'to disable');
      const session = await signIn(sample, user.token);
      expect((await sample.call('patch', `/api/users/${user.id}`, { body: { enabled: false } })).status).toBe(200);
      expect((await sample.call('get', '/api/license', { token: null, cookie: session })).status).toBe(401);
    });

    it('Secure behind an HTTPS proxy (LIBERTY_TRUST_PROXY), never from a forged header without it', async () => {
      const forged = await request(sample.url)
        .post('/api/session')
        .set('X-Forwarded-Proto', 'https')
        .send({ token: sample.adminToken });
      expect(String(forged.headers['set-cookie'])).not.toContain('Secure');
      process.env.LIBERTY_TRUST_PROXY = 'loopback';
      const proxied = await startApp();
      try {
        const response = await request(proxied.url)
          .post('/api/session')
          .set('X-Forwarded-Proto', 'https')
          .send({ token: proxied.adminToken });
        expect(String(response.headers['set-cookie'])).toMatch(/; Max-Age=28800; Secure$/);
      } finally {
        delete process.env.LIBERTY_TRUST_PROXY;
        await proxied.close();
      }
    });
  });

  describe('finding 10: sessions across replicas', () => {
    // The second app writes its own admin token over the first one's: its own group.
    // SQLite serves one process (a second is refused), so "another replica" is the next process on
    // the same data dir here; test/sample/security-round2 shares sessions between live PostgreSQL replicas.
    it('10: sessions live in the database: the next process on the same data dir accepts the cookie, and a sign-out there ends it everywhere', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'liberty-sessions-'));
      const first = await startApp({ dataDir });
      const session = await signIn(first, first.adminToken);
      await first.close();
      const replica = await startApp({ dataDir, adminToken: first.adminToken }); // the same admin token: no rotation
      try {
        expect((await replica.call('get', '/api/me', { token: null, cookie: session })).status).toBe(200);
        expect((await replica.call('delete', '/api/session', { token: null, cookie: session })).status).toBe(204);
      } finally {
        await replica.close();
      }
      const again = await startApp({ dataDir, adminToken: first.adminToken });
      try {
        expect((await again.call('get', '/api/me', { token: null, cookie: session })).status).toBe(401);
      } finally {
        await again.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe('finding 11: no-store and nosniff on every API response', () => {
    let sample: SampleApp;
    let target: string;
    beforeAll(async () => {
      process.env.LIBERTY_AUTH_RATE_LIMIT = '10000'; // every route is also tried with a wrong token
      sample = await startApp();
      target = (await sample.user([], 'target')).id;
    });
    afterAll(async () => {
      delete process.env.LIBERTY_AUTH_RATE_LIMIT;
      await sample.close();
    });

    const routes: Array<[method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, body?: unknown]> = [
      ['get', '/api/license'],
      ['get', '/api/license/status'],
      ['get', '/api/license/banner'],
      ['post', '/api/license/reverify'],
      ['get', '/api/settings/framework/license'],
      ['put', '/api/settings/framework/license', { enforcement: 'restricted' }],
      ['get', '/api/settings/connectors'],
      ['patch', '/api/settings/connectors/rest', { licensed: false }],
      ['get', '/api/users'],
      ['get', '/api/users/seats'],
      ['post', '/api/users', { name: 'new', permissions: [], enabled: false }],
      ['patch', '/api/users/:target', { name: 'renamed' }],
      ['get', '/api/catalogue'],
      ['get', '/api/ai/tools'],
      ['get', '/api/menus'],
      ['get', '/api/apps'],
      ['get', '/api/connectors/postgres'],
      ['get', '/api/connectors/sap'],
      ['post', '/api/ai/messages', { provider: 'anthropic', message: 'hello' }],
      ['get', '/api/me'],
      ['post', '/api/session', { token: 'x' }],
      ['delete', '/api/session'],
      ['get', '/api/nowhere'],
      ['get', '/health'],
    ];

    // Objects, not arrays: it.each would pass a missing third element as Jest's `done` callback.
    it.each(routes.map(([method, path, body]) => ({ method, path, body })))(
      '$method $path: Cache-Control no-store and X-Content-Type-Options nosniff, signed in or not',
      async ({ method, path, body }) => {
        for (const token of [undefined, null, 'wrong-token-but-not-many']) {
          const response = await sample.call(method, path.replace(':target', target), { token, body });
          expect(response.headers['cache-control']).toBe('no-store');
          expect(response.headers['x-content-type-options']).toBe('nosniff');
        }
      },
    );

    it('POST /api/users, which returns a new token, is not cacheable', async () => {
      const response = await sample.call('post', '/api/users', { body: { name: 'fresh', permissions: [] } });
      expect(response.status).toBe(201);
      expect(response.body.token).toEqual(expect.any(String));
      expect(response.headers['cache-control']).toBe('no-store');
    });
  });
});
