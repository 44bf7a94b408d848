import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import request from 'supertest';
import { sampleToml, unique } from './sample-fixture.js';
import { AppProcess, requireBuilt, SAMPLE_MAIN, SAMPLE_MODULES_MAIN } from '../support/apps.js';
import { specTimeout } from '../support/suite.js';

// `npm start` runs the BUILT app: apps/sample/dist/main.bundle.js, the app and its dependencies in
// one file (scripts/bundle-apps.mjs); tsc's modules beside it (dist/main.js, importing
// @liberty/license by name) run the same app unbundled. `npm test` builds first; run
// `npm run build` before running this file alone.

// A child process start on a loaded machine (2 cores shared by parallel test files) can take seconds.
specTimeout(60_000);

describe('main', () => {
  /** Each run gets its own SQLite data dir (removed when the file's tests end). */
  const dataDirs: string[] = [];
  afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function run(env: Record<string, string>, main = SAMPLE_MAIN): AppProcess {
    const dataRoot = mkdtempSync(join(tmpdir(), 'liberty-main-data-'));
    dataDirs.push(dataRoot);
    return AppProcess.spawn(main, { LIBERTY_DATA_DIR: join(dataRoot, 'data'), ...env });
  }

  describe('the built sample app (npm start)', () => {
    let dir: string;
    beforeAll(async () => {
      requireBuilt(SAMPLE_MAIN, SAMPLE_MODULES_MAIN);
      dir = await mkdtemp(join(tmpdir(), 'liberty-sample-main-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it.each([
      ['the bundle', SAMPLE_MAIN],
      ["tsc's modules", SAMPLE_MODULES_MAIN],
    ])('%s: serves in restricted mode when no key is set, and logs its URL', async (_form, main) => {
      const path = join(dir, 'app.toml');
      await writeFile(path, sampleToml({ keyVar: unique('LIBERTY_TEST_KEY'), publicKeyPath: '' }));
      const app = run(
        { PORT: '0', LIBERTY_CONFIG: path, LIBERTY_ADMIN_TOKEN: 'main-test-admin-0123456789abcdef' },
        main,
      );
      try {
        const url = await app.listening(20_000);
        expect(app.loggedUrl).toBe(url); // on 127.0.0.1 by default
        expect(app.output).toContain('running in restricted mode — licensed features disabled');
        expect((await request(url).get('/health')).body).toMatchObject({
          status: 'ok',
          info: { license: { status: 'up', licenseStatus: 'not-configured' } },
        });
        const catalogue = await request(url)
          .get('/api/catalogue')
          .set('Authorization', 'Bearer main-test-admin-0123456789abcdef');
        expect(catalogue.body.connectors.map((c: { id: string }) => c.id)).toEqual(['postgres', 'rest']);
        // A licensed WebSocket message is answered with the guard's LICENSE_REQUIRED, not the
        // gateway's "Internal server error": in the bundle too, the guard's WsException is the one
        // the gateway's exception filter knows (the library imports it by a literal specifier).
        const socket = io(url, { auth: { token: 'main-test-admin-0123456789abcdef' }, transports: ['websocket'] });
        try {
          const locked = await new Promise((resolve) => {
            socket.on('exception', resolve);
            socket.emit('connectors.sap.tables', {});
          });
          expect(locked).toMatchObject({ code: 'LICENSE_REQUIRED', feature: 'connector:sap' });
        } finally {
          socket.close();
        }
        // http://localhost:<port>/ is a page, not a 404: the sign-in page first, then the home page.
        expect((await request(url).get('/')).headers.location).toBe('/login?next=%2F');
        const signIn = await request(url).post('/api/session').send({ token: 'main-test-admin-0123456789abcdef' });
        const home = await request(url).get('/').set('Cookie', String(signIn.headers['set-cookie']).split(';')[0]);
        expect(home.status).toBe(200);
        expect(home.text).toContain('<h1>Home</h1>');
      } finally {
        await app.stop();
      }
    });

    // Every module of the bundle shares one import.meta.url: the folders are found from the app's root.
    it('the bundle finds apps/sample/config/app.toml and apps/sample/web/ without being told', async () => {
      const app = run({ PORT: '0', LIBERTY_ADMIN_TOKEN: 'main-test-admin-0123456789abcdef' });
      try {
        const url = await app.listening(20_000);
        const settings = await request(url)
          .get('/api/settings/framework/license')
          .set('Authorization', 'Bearer main-test-admin-0123456789abcdef');
        // A missing app.toml stops the start; this is the repository's file.
        expect(settings.body).toEqual({
          license_key: '${LIBERTY_LICENSE_KEY}',
          public_key_path: '',
          enforcement: 'restricted',
        });
        expect((await request(url).get('/login')).text).toContain('<form'); // from web/login.html
      } finally {
        await app.stop();
      }
    });

    it('exits 1 with the file and line of a malformed app.toml', async () => {
      const path = join(dir, 'broken.toml');
      await writeFile(path, '[license]\nenforcement = "restricted\n');
      const app = run({ PORT: '0', LIBERTY_CONFIG: path });
      expect(await app.exited).toBe(1);
      expect(app.output).toContain(`Invalid configuration in ${path} (line 2, column`);
    });
  });
});
