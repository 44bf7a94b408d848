// The second security review (issue 20), finding by finding, against the real sample app over
// HTTP, GraphQL and Socket.IO (in-process on 127.0.0.1, port 0; real socket.io-client). Each test
// reproduces the review's observation and fails on the code before the fix. The browser findings
// (open redirect, cross-site WebSocket hijacking) run in Chromium too:
// test/browser/open-redirect.e2e-spec.ts and test/browser/cross-origin-socket.e2e-spec.ts.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import { createSampleApp, TrustProxyError } from '../../apps/sample/src/app.js';
import { MAX_SOCKET_MESSAGE_BYTES } from '../../apps/sample/src/realtime/guarded-io.adapter.js';
import { requireBuilt, SAMPLE_MAIN } from '../support/apps.js';
import { startPostgres, type PostgresServer } from '../support/servers.js';
import { claims, issue, sampleToml, SampleApp, unique } from './sample-fixture.js';
import { specTimeout } from '../support/suite.js';

specTimeout(60_000);

describe('security-round2', () => {
  let kit: LicenseTestKit;
  let sapKey: string;

  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    sapKey = await issue(kit, { claims: claims({ connectors: ['sap'], users: { max: 100 } }) });
  });

  async function signIn(sample: SampleApp, token: string): Promise<string> {
    const response = await sample.call('post', '/api/session', { token: null, body: { token } });
    expect(response.status).toBe(204);
    return String(response.headers['set-cookie']).split(';')[0];
  }

  interface SocketOptions {
    token?: string;
    cookie?: string;
    origin?: string;
    host?: string;
    transports?: ('websocket' | 'polling')[];
  }

  /** Connects with socket.io-client; resolves the socket, or the `connect_error` (with its `data`). */
  async function connect(
    sample: SampleApp,
    options: SocketOptions,
  ): Promise<{ socket?: Socket; error?: Error & { data?: Record<string, unknown> } }> {
    const extraHeaders: Record<string, string> = {};
    if (options.cookie) extraHeaders.cookie = options.cookie;
    if (options.origin) extraHeaders.origin = options.origin;
    if (options.host) extraHeaders.host = options.host;
    const socket = io(sample.url, {
      transports: options.transports ?? ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 10_000,
      extraHeaders,
      auth: options.token !== undefined ? { token: options.token } : {},
    });
    return new Promise((resolve) => {
      socket.once('connect', () => resolve({ socket }));
      socket.once('connect_error', (error) => {
        socket.close();
        resolve({ error: error });
      });
    });
  }

  function sapTables(socket: Socket): Promise<{ ack?: unknown; exception?: unknown }> {
    return new Promise((resolve) => {
      socket.once('exception', (exception: unknown) => resolve({ exception }));
      socket.emit('connectors.sap.tables', {}, (ack: unknown) => resolve({ ack }));
    });
  }

  async function graphql(
    sample: SampleApp,
    query: string,
    headers: Record<string, string> = { authorization: `Bearer ${sample.adminToken}` },
  ) {
    const response = await fetch(`${sample.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: JSON.parse(text) as {
        data?: unknown;
        errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
      },
    };
  }

  describe('findings 2, 3 and 11: Socket.IO is guarded like HTTP', () => {
    let sample: SampleApp;
    beforeEach(async () => {
      sample = await SampleApp.start(kit, { token: sapKey });
    });
    afterEach(() => sample.close());

    it('11: a socket without credentials is refused at the handshake (connect_error 401 UNAUTHORIZED), a wrong token too', async () => {
      const anonymous = await connect(sample, {});
      expect(anonymous.socket).toBeUndefined();
      expect(anonymous.error?.data).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
      const wrong = await connect(sample, { token: 'wrong-token' });
      expect(wrong.error?.data).toMatchObject({
        statusCode: 401,
        code: 'UNAUTHORIZED',
        message: 'Invalid or disabled token',
      });
    });

    it('the right token (auth.token) or a same-origin session cookie connects and gets the licensed data', async () => {
      const byToken = await connect(sample, { token: sample.adminToken });
      expect(await sapTables(byToken.socket!)).toEqual({ ack: expect.any(Array) });
      byToken.socket!.close();
      const cookie = await signIn(sample, sample.adminToken);
      const byCookie = await connect(sample, { cookie, origin: sample.url });
      expect(await sapTables(byCookie.socket!)).toEqual({ ack: expect.any(Array) });
      byCookie.socket!.close();
    });

    it('2: a session cookie with another Origin (another port of the host) is refused before any packet; without the cookie the Origin does not matter', async () => {
      const cookie = await signIn(sample, sample.adminToken);
      const evil = 'http://127.0.0.1:1';
      for (const transports of [['websocket'], ['polling']] as const) {
        const hijack = await connect(sample, { cookie, origin: evil, transports: [...transports] });
        expect(hijack.socket).toBeUndefined();
      }
      const raw = await request(sample.url)
        .get('/socket.io/?EIO=4&transport=polling')
        .set('Cookie', cookie)
        .set('Origin', evil);
      expect(raw.status).toBe(403);
      expect(raw.text).toContain(`Cross-origin request refused (Origin ${evil} is not this app's origin ${sample.url}`);
      const tokenClient = await connect(sample, { token: sample.adminToken, origin: evil });
      expect(tokenClient.socket?.connected).toBe(true);
      tokenClient.socket!.close();
    });

    it("3: wrong tokens over Socket.IO count with HTTP's: after 10, the address is locked out on both transports, the right token included", async () => {
      for (let i = 0; i < 10; i++)
        expect((await connect(sample, { token: `guess-${i}` })).error?.data).toMatchObject({ code: 'UNAUTHORIZED' });
      expect((await connect(sample, { token: 'guess-10' })).error?.data).toMatchObject({
        statusCode: 429,
        code: 'TOO_MANY_ATTEMPTS',
      });
      const locked = await connect(sample, { token: sample.adminToken });
      expect(locked.error?.data).toMatchObject({ statusCode: 429, code: 'TOO_MANY_ATTEMPTS' });
      expect(locked.error?.data?.retryAfterSeconds).toBeGreaterThan(0);
      const http = await sample.get('/api/me');
      expect(http.status).toBe(429);
    });

    it('3: an address locked out over HTTP gets no Socket.IO guesses either (the review made 200 at 641/s, then got in)', async () => {
      for (let i = 0; i < 10; i++) expect((await sample.get('/api/me', `guess-${i}`)).status).toBe(401);
      expect((await sample.get('/api/me', 'guess-10')).status).toBe(429);
      const right = await connect(sample, { token: sample.adminToken });
      expect(right.socket).toBeUndefined();
      expect(right.error?.data).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    });

    it(`11: a message over ${MAX_SOCKET_MESSAGE_BYTES} bytes closes the connection; polling answers carry nosniff and no-store`, async () => {
      const { socket } = await connect(sample, { token: sample.adminToken });
      const closed = new Promise<string>((resolve) => socket!.once('disconnect', resolve));
      socket!.emit('connectors.sap.tables', 'x'.repeat(MAX_SOCKET_MESSAGE_BYTES + 1024));
      expect(await closed).toMatch(/transport (close|error)/);
      const polling = await request(sample.url).get('/socket.io/?EIO=4&transport=polling');
      expect(polling.status).toBe(200);
      expect(polling.headers['x-content-type-options']).toBe('nosniff');
      expect(polling.headers['cache-control']).toBe('no-store');
    });

    it("a signed-out session's socket stops at its next message (the credential is re-checked, without counting failures)", async () => {
      const cookie = await signIn(sample, sample.adminToken);
      const { socket } = await connect(sample, { cookie, origin: sample.url });
      expect(await sapTables(socket!)).toEqual({ ack: expect.any(Array) });
      await sample.call('delete', '/api/session', { token: null, cookie });
      expect(await sapTables(socket!)).toEqual({
        exception: expect.objectContaining({ statusCode: 401, code: 'UNAUTHORIZED' }),
      });
      socket!.close();
    });
  });

  describe('finding 4: sessions end with the credential behind them', () => {
    it("rotating LIBERTY_ADMIN_TOKEN across a restart ends every admin session; another user's session survives the restart", async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'liberty-rotation-'));
      try {
        const first = await SampleApp.start(kit, { token: sapKey, dataDir });
        const adminCookie = await signIn(first, first.adminToken);
        const user = await first.user(['license:read'], 'ops');
        const userCookie = await signIn(first, user.token);
        expect((await first.call('get', '/api/me', { token: null, cookie: adminCookie })).status).toBe(200);
        await first.close();
        const second = await SampleApp.start(kit, { token: sapKey, dataDir }); // a new LIBERTY_ADMIN_TOKEN
        try {
          expect(second.adminToken).not.toBe(first.adminToken);
          const stolen = await second.call('get', '/api/me', { token: null, cookie: adminCookie });
          expect(stolen.status).toBe(401);
          expect(
            (
              await second.call('post', '/api/users', {
                token: null,
                cookie: adminCookie,
                body: { name: 'minted', permissions: ['users:write'] },
              })
            ).status,
          ).not.toBe(201);
          expect((await second.call('get', '/api/me', { token: null, cookie: userCookie })).status).toBe(200);
        } finally {
          await second.close();
        }
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });

    describe('disable and sign out everywhere', () => {
      let sample: SampleApp;
      beforeEach(async () => {
        sample = await SampleApp.start(kit, { token: sapKey });
      });
      afterEach(() => sample.close());

      it('disabling a user ends their sessions; re-enabling them does not revive the old ones (a new sign-in works)', async () => {
        const user = await sample.user(['license:read'], 'ops');
        const cookie = await signIn(sample, user.token);
        expect((await sample.call('patch', `/api/users/${user.id}`, { body: { enabled: false } })).status).toBe(200);
        expect((await sample.call('get', '/api/me', { token: null, cookie })).status).toBe(401);
        expect((await sample.call('patch', `/api/users/${user.id}`, { body: { enabled: true } })).status).toBe(200);
        expect((await sample.call('get', '/api/me', { token: null, cookie })).status).toBe(401);
        const fresh = await signIn(sample, user.token);
        expect((await sample.call('get', '/api/me', { token: null, cookie: fresh })).status).toBe(200);
      });

      it('DELETE /api/sessions ("sign out everywhere") ends every session of the caller (204, cookie cleared), nobody else\'s', async () => {
        const user = await sample.user(['license:read'], 'ops');
        const laptop = await signIn(sample, user.token);
        const phone = await signIn(sample, user.token);
        const adminCookie = await signIn(sample, sample.adminToken);
        const out = await sample.call('delete', '/api/sessions', { token: null, cookie: phone });
        expect(out.status).toBe(204);
        expect(String(out.headers['set-cookie'])).toMatch(/^liberty_session=; .*Max-Age=0/);
        for (const cookie of [laptop, phone])
          expect((await sample.call('get', '/api/me', { token: null, cookie })).status).toBe(401);
        expect((await sample.call('get', '/api/me', { token: null, cookie: adminCookie })).status).toBe(200);
        expect((await sample.get('/api/me', user.token)).status).toBe(200); // the bearer token itself is unchanged
        expect((await sample.call('delete', '/api/sessions', { token: null })).status).toBe(401);
      });
    });
  });

  describe('finding 4 on PostgreSQL (the same migration and queries as SQLite)', () => {
    let postgres: PostgresServer;
    beforeAll(async () => {
      postgres = await startPostgres();
    }, 120_000);
    afterAll(async () => {
      delete process.env.DATABASE_URL;
      await postgres?.stop();
    });

    it('rotation across a restart ends the admin session; a replica with the same token keeps it; disable then enable leaves a session dead', async () => {
      process.env.DATABASE_URL = await postgres.createDatabase(unique('sessions').toLowerCase());
      const first = await SampleApp.start(kit, { token: sapKey });
      const adminCookie = await signIn(first, first.adminToken);
      const user = await first.user(['license:read'], 'ops');
      const userCookie = await signIn(first, user.token);
      const replica = await SampleApp.start(kit, { token: sapKey, adminToken: first.adminToken });
      try {
        expect((await replica.call('get', '/api/me', { token: null, cookie: adminCookie })).status).toBe(200);
        expect((await first.call('patch', `/api/users/${user.id}`, { body: { enabled: false } })).status).toBe(200);
        expect((await first.call('patch', `/api/users/${user.id}`, { body: { enabled: true } })).status).toBe(200);
        expect((await replica.call('get', '/api/me', { token: null, cookie: userCookie })).status).toBe(401);
      } finally {
        await replica.close();
        await first.close();
      }
      const rotated = await SampleApp.start(kit, { token: sapKey });
      try {
        expect((await rotated.call('get', '/api/me', { token: null, cookie: adminCookie })).status).toBe(401);
      } finally {
        await rotated.close();
      }
    }, 120_000);
  });

  describe('finding 5 and 7 (GraphQL part): GraphQL is authenticated before execution, limited, not introspectable', () => {
    let sample: SampleApp;
    beforeEach(async () => {
      sample = await SampleApp.start(kit, { token: sapKey });
    });
    afterEach(() => {
      delete process.env.LIBERTY_GRAPHQL_INTROSPECTION;
      return sample.close();
    });

    const introspection = '{ __schema { types { name fields { name } } } }';

    it('5: without credentials: 401 UNAUTHENTICATED, nothing executed (no data member)', async () => {
      const answer = await graphql(sample, introspection, {});
      expect(answer.status).toBe(401);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(answer.text).not.toContain('SapTable');
    });

    it('5: introspection is off, even for the admin, unless LIBERTY_GRAPHQL_INTROSPECTION=true', async () => {
      const answer = await graphql(sample, introspection);
      expect(answer.status).toBe(400);
      expect(answer.text).toMatch(/introspection/i);
      expect(answer.text).not.toContain('SapTable');
      await sample.close();
      process.env.LIBERTY_GRAPHQL_INTROSPECTION = 'true';
      sample = await SampleApp.start(kit, { token: sapKey });
      const allowed = await graphql(sample, introspection);
      expect(allowed.status).toBe(200);
      expect(allowed.text).toContain('SapTable');
    });

    it("5: aliases, depth and size are capped (GraphQL Armor): the review's many-alias request is refused, small ones answer", async () => {
      const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: licenseStatus`).join(' ')} }`;
      expect((await graphql(sample, aliases(10))).body.data).toBeDefined();
      const many = await graphql(sample, aliases(11));
      expect(many.status).toBe(400);
      expect(many.body.data).toBeUndefined();
      expect(many.text).toContain('Aliases limit of 10 exceeded');
      const huge = await graphql(sample, aliases(3000)); // ~96 KB, as in the review
      expect(huge.status).toBe(400);
      expect(huge.text.length).toBeLessThan(2_000);
    });

    it('7: a request with 11 aliases and a wrong token counts ONE failure, not 11 (the review was locked out by one request)', async () => {
      const aliases = `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: licenseStatus`).join(' ')} }`;
      const guess = await graphql(sample, aliases, { authorization: 'Bearer wrong' });
      expect(guess.status).toBe(401);
      for (let i = 0; i < 9; i++) expect((await sample.get('/api/me', `guess-${i}`)).status).toBe(401); // 10 failures in all
      expect((await graphql(sample, '{ licenseStatus }', { authorization: 'Bearer wrong-again' })).status).toBe(429);
    });

    it('a GraphQL call with a session cookie from another Origin is refused (403 CROSS_ORIGIN_REQUEST); same origin answers', async () => {
      const cookie = await signIn(sample, sample.adminToken);
      const cross = await graphql(sample, '{ licenseStatus }', { cookie, origin: 'http://127.0.0.1:1' });
      expect(cross.status).toBe(403);
      expect(cross.body.errors?.[0]?.extensions?.code).toBe('CROSS_ORIGIN_REQUEST');
      const same = await graphql(sample, '{ licenseStatus }', { cookie, origin: sample.url });
      expect(same.body).toEqual({ data: { licenseStatus: 'accepted' } });
    });
  });

  describe('finding 6: license_key and fingerprints', () => {
    let sample: SampleApp;
    beforeEach(async () => {
      sample = await SampleApp.start(kit, { token: sapKey });
    });
    afterEach(() => sample.close());

    it('settings:framework alone cannot point license_key at another variable (403 license:write); with license:write it can', async () => {
      const framework = await sample.user(['settings:framework'], 'framework');
      const denied = await sample.call('put', '/api/settings/framework/license', {
        token: framework.token,
        body: { license_key: '${LIBERTY_ADMIN_TOKEN}' },
      });
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ code: 'PERMISSION_REQUIRED', permission: 'license:write' });
      expect(await sample.readConfig()).not.toContain('LIBERTY_ADMIN_TOKEN');
      const writer = await sample.user(['settings:framework', 'license:write', 'license:read'], 'writer');
      const allowed = await sample.call('put', '/api/settings/framework/license', {
        token: writer.token,
        body: { license_key: '${LIBERTY_ADMIN_TOKEN}' },
      });
      expect(allowed.status).toBe(200);
      // The value read is not a license key: rejected, and no fingerprint of it is shown (an offline oracle).
      const view = await sample.call('get', '/api/license', { token: writer.token });
      expect(view.body.status).toBe('rejected');
      expect(view.body.replicas[0].keyFingerprint).toBe('');
    });

    it('a key that verified shows its fingerprint', async () => {
      const view = await sample.get('/api/license');
      expect(view.body.replicas[0].keyFingerprint).toMatch(/^[0-9a-f]{16}$/);
    });
  });

  describe('finding 7: LIBERTY_TRUST_PROXY', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'liberty-trust-'));
      await writeFile(join(dir, 'app.toml'), sampleToml({ keyVar: unique('LIBERTY_TEST_KEY'), publicKeyPath: '' }));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));
    afterEach(() => {
      delete process.env.LIBERTY_TRUST_PROXY;
    });

    it.each(['true', 'TRUE', 'not-an-address', '10.0.0.0/99'])(
      'LIBERTY_TRUST_PROXY=%s is refused at startup with one line naming the safe forms',
      async (value) => {
        process.env.LIBERTY_TRUST_PROXY = value;
        const started = createSampleApp({
          configPath: join(dir, 'app.toml'),
          dataDir: join(dir, 'data'),
          logger: false,
        });
        await expect(started).rejects.toBeInstanceOf(TrustProxyError);
        await expect(started).rejects.toThrow(
          /^LIBERTY_TRUST_PROXY.*hop count \(1\).*loopback, linklocal, uniquelocal/,
        );
      },
    );

    it('the built app prints that refusal as one line (no stack trace) and exits 1', async () => {
      requireBuilt(SAMPLE_MAIN);
      const run = spawnSync(process.execPath, [SAMPLE_MAIN], {
        env: {
          PATH: process.env.PATH ?? '',
          PORT: '0',
          LIBERTY_CONFIG: join(dir, 'app.toml'),
          LIBERTY_DATA_DIR: join(dir, 'data-main'),
          LIBERTY_TRUST_PROXY: 'true',
        },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status).toBe(1);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^LIBERTY_TRUST_PROXY=true would let every client choose its own address .*use a hop count \(1\)/,
      );
    });

    it('a hop count, addresses or loopback start; with loopback, X-Forwarded-For from the local proxy is the client (throttled per forwarded address)', async () => {
      for (const value of ['1', '127.0.0.1, ::1', 'loopback']) {
        process.env.LIBERTY_TRUST_PROXY = value;
        const sample = await SampleApp.start(kit, { token: sapKey });
        try {
          expect((await sample.get('/api/me')).status).toBe(200);
          if (value !== 'loopback') continue;
          for (let i = 0; i < 11; i++)
            await request(sample.url)
              .get('/api/me')
              .set('Authorization', `Bearer guess-${i}`)
              .set('X-Forwarded-For', '203.0.113.7');
          const locked = await request(sample.url)
            .get('/api/me')
            .set('Authorization', `Bearer ${sample.adminToken}`)
            .set('X-Forwarded-For', '203.0.113.7');
          expect(locked.status).toBe(429);
          const other = await request(sample.url)
            .get('/api/me')
            .set('Authorization', `Bearer ${sample.adminToken}`)
            .set('X-Forwarded-For', '203.0.113.8');
          expect(other.status).toBe(200);
        } finally {
          await sample.close();
        }
      }
    });
  });

  describe('finding 8: __Host- session cookie over HTTPS', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      process.env.LIBERTY_TRUST_PROXY = 'loopback';
      sample = await SampleApp.start(kit, { token: sapKey });
    });
    afterAll(async () => {
      delete process.env.LIBERTY_TRUST_PROXY;
      await sample.close();
    });

    it('over HTTPS (X-Forwarded-Proto from the trusted proxy): __Host-liberty_session, Secure, Path=/, no Domain; the plain name is not accepted there', async () => {
      const https = await request(sample.url)
        .post('/api/session')
        .set('X-Forwarded-Proto', 'https')
        .send({ token: sample.adminToken });
      expect(https.status).toBe(204);
      const setCookie = String(https.headers['set-cookie']);
      expect(setCookie).toMatch(
        /^__Host-liberty_session=[^;]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800; Secure$/,
      );
      expect(setCookie).not.toMatch(/Domain=/i);
      const id = setCookie.split(';')[0].split('=')[1];
      const me = (cookie: string) =>
        request(sample.url).get('/api/me').set('X-Forwarded-Proto', 'https').set('Cookie', cookie);
      expect((await me(`__Host-liberty_session=${id}`)).status).toBe(200);
      // A cookie tossed in without the prefix (another port, plain http) is not read over HTTPS.
      expect((await me(`liberty_session=${id}`)).status).toBe(401);
    });

    it('over plain HTTP on the loopback: the plain name (the prefix needs Secure), as documented', async () => {
      const cookie = await signIn(sample, sample.adminToken);
      expect(cookie).toMatch(/^liberty_session=/);
    });
  });

  describe('finding 9: public bodies name no path', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      sample = await SampleApp.start(kit, { token: sapKey, publicKeyPath: 'missing/public.pem' });
    });
    afterAll(() => sample.close());

    it('/health (public) and the 403 LICENSE_REQUIRED body say "public key unavailable", no path or error code; license:read sees the detail', async () => {
      const health = await sample.get('/health', null);
      expect(health.status).toBe(200);
      expect(health.body.info.license).toMatchObject({ licenseStatus: 'rejected', reason: 'public key unavailable' });
      const locked = await sample.get('/api/connectors/sap/tables');
      expect(locked.status).toBe(403);
      expect(locked.body).toMatchObject({ code: 'LICENSE_REQUIRED', reason: 'public key unavailable' });
      for (const text of [health.text, locked.text]) {
        expect(text).not.toContain(sample.dir);
        expect(text).not.toMatch(/ENOENT|missing\/public\.pem/);
      }
      const detail = await sample.get('/api/license');
      expect(detail.body.reason).toMatch(/^public key unavailable \(cannot read .*missing\/public\.pem/);
    });
  });

  describe('informational findings', () => {
    let sample: SampleApp;
    beforeAll(async () => {
      sample = await SampleApp.start(kit, { token: sapKey });
    });
    afterAll(() => sample.close());

    it.each(['a'.repeat(24), 'abcabcabcabcabcabcabcabc', '0101010101010101010101010'])(
      'LIBERTY_ADMIN_TOKEN=%s (long enough, too repetitive) is refused with a clear line',
      async (token) => {
        const previous = process.env.LIBERTY_ADMIN_TOKEN;
        process.env.LIBERTY_ADMIN_TOKEN = token;
        try {
          await expect(createSampleApp({ configPath: sample.configPath, logger: false })).rejects.toThrow(
            /^LIBERTY_ADMIN_TOKEN is too predictable \(\d different characters?; at least 8 required\).*openssl rand -hex 24$/,
          );
        } finally {
          process.env.LIBERTY_ADMIN_TOKEN = previous;
        }
      },
    );

    it('nobody else may be named "admin" (create or rename, any case): 400', async () => {
      const writer = await sample.user(['users:write'], 'writer');
      for (const name of ['admin', ' Admin ', 'ADMIN']) {
        const created = await sample.call('post', '/api/users', {
          token: writer.token,
          body: { name, permissions: [] },
        });
        expect(created.status).toBe(400);
        expect(created.body.message).toEqual(['name: "admin" is reserved for the built-in admin']);
      }
      const other = await sample.user([], 'other');
      const renamed = await sample.call('patch', `/api/users/${other.id}`, {
        token: writer.token,
        body: { name: 'admin' },
      });
      expect(renamed.status).toBe(400);
    });

    it('a JSON syntax error does not echo the body (400 INVALID_JSON)', async () => {
      const response = await request(sample.url)
        .post('/api/users')
        .set('Authorization', `Bearer ${sample.adminToken}`)
        .set('Content-Type', 'application/json')
        .send('{"name": SECRET-VALUE-1234 <script>');
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        statusCode: 400,
        code: 'INVALID_JSON',
        message: 'The request body is not valid JSON',
      });
      expect(response.text).not.toContain('SECRET');
    });

    it('application/*+json bodies are refused by the same-origin guard (415 JSON_REQUIRED): only application/json passes', async () => {
      for (const type of ['application/merge-patch+json', 'application/x+json; charset=utf-8']) {
        const response = await request(sample.url)
          .post('/api/users')
          .set('Authorization', `Bearer ${sample.adminToken}`)
          .set('Content-Type', type)
          .send('{"name":"x","permissions":[]}');
        expect(response.status).toBe(415);
        expect(response.body.code).toBe('JSON_REQUIRED');
      }
    });

    it('DNS rebinding: a Host that is not the loopback gets 421 HOST_NOT_ALLOWED on a loopback-bound app (HTTP and Socket.IO); loopback names pass', async () => {
      const port = new URL(sample.url).port;
      for (const path of ['/health', '/api/me', '/socket.io/?EIO=4&transport=polling']) {
        const rebound = await request(sample.url)
          .get(path)
          .set('Host', `evil.example:${port}`)
          .set('Authorization', `Bearer ${sample.adminToken}`);
        expect(rebound.status).toBe(path.startsWith('/socket.io') ? 403 : 421);
        if (!path.startsWith('/socket.io')) expect(rebound.body.code).toBe('HOST_NOT_ALLOWED');
      }
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `app.localhost:${port}`]) {
        expect((await request(sample.url).get('/health').set('Host', host)).status).toBe(200);
      }
    });
  });
});
