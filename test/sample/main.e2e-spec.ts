import { jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { sampleToml, unique } from './sample-fixture.js';

// `npm start` runs the BUILT app (apps/sample/dist/main.js, importing @liberty/license by name).
// `npm test` builds first; run `npm run build` before running this file alone.

const MAIN = fileURLToPath(new URL('../../apps/sample/dist/main.js', import.meta.url));

// A child process start on a loaded machine (2 cores shared by parallel test files) can take seconds.
jest.setTimeout(60_000);

/** Each run gets its own SQLite data dir (removed when the file's tests end). */
const dataDirs: string[] = [];
afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function run(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  let output = '';
  const dataRoot = mkdtempSync(join(tmpdir(), 'liberty-main-data-'));
  dataDirs.push(dataRoot);
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', LIBERTY_DATA_DIR: join(dataRoot, 'data'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('the built sample app (npm start)', () => {
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first`);
    dir = await mkdtemp(join(tmpdir(), 'liberty-sample-main-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves in restricted mode when no key is set, and logs its URL', async () => {
    const path = join(dir, 'app.toml');
    await writeFile(path, sampleToml({ keyVar: unique('LIBERTY_TEST_KEY'), publicKeyPath: '' }));
    const app = run({ PORT: '0', LIBERTY_CONFIG: path, LIBERTY_ADMIN_TOKEN: 'main-test-admin-0123456789abcdef' });
    try {
      const deadline = Date.now() + 20_000;
      let url: string | undefined;
      while (!url && Date.now() < deadline) {
        url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(app.output())?.[1];
        if (!url) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(url).toBeDefined();
      expect(app.output()).toContain('running in restricted mode — licensed features disabled');
      expect((await request(url!).get('/health')).body).toMatchObject({
        status: 'ok',
        info: { license: { status: 'up', licenseStatus: 'not-configured' } },
      });
      const catalogue = await request(url!)
        .get('/api/catalogue')
        .set('Authorization', 'Bearer main-test-admin-0123456789abcdef');
      expect(catalogue.body.connectors.map((c: { id: string }) => c.id)).toEqual(['postgres', 'rest']);
      // http://localhost:<port>/ is a page, not a 404: the sign-in page first, then the home page.
      expect((await request(url!).get('/')).headers.location).toBe('/login?next=%2F');
      const signIn = await request(url!).post('/api/session').send({ token: 'main-test-admin-0123456789abcdef' });
      const home = await request(url!).get('/').set('Cookie', String(signIn.headers['set-cookie']).split(';')[0]);
      expect(home.status).toBe(200);
      expect(home.text).toContain('<h1>Home</h1>');
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
    }
  });

  it('exits 1 with the file and line of a malformed app.toml', async () => {
    const path = join(dir, 'broken.toml');
    await writeFile(path, '[license]\nenforcement = "restricted\n');
    const app = run({ PORT: '0', LIBERTY_CONFIG: path });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain(`Invalid configuration in ${path} (line 2, column`);
  });
});
