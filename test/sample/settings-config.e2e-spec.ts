import { mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { parse } from 'smol-toml';
import { AppConfigError, createSampleApp } from '../../apps/sample/src/app.js';
import { claims, issue, SampleApp, sampleToml, unique } from './sample-fixture.js';

// app.toml: validation, atomic writes that keep the rest of the file, malformed files.

describe('settings: GET/PUT /api/settings/framework/license', () => {
  let kit: LicenseTestKit;
  let sample: SampleApp;
  let jwt: string;

  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    jwt = await issue(kit, { claims: claims({ connectors: ['sap'] }) });
    sample = await SampleApp.start(kit, { token: jwt });
  });
  afterAll(() => sample.close());

  const put = (body: unknown) => sample.call('put', '/api/settings/framework/license', { body });

  it('GET returns the [license] settings: the reference, never the key', async () => {
    const response = await sample.get('/api/settings/framework/license');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      license_key: `\${${sample.keyVar}}`,
      public_key_path: 'public.pem',
      enforcement: 'restricted',
    });
  });

  it('a raw JWT as license_key is a 400 saying keys must not be stored in configuration; nothing changes', async () => {
    const before = await sample.readConfig();
    const response = await put({ license_key: jwt, public_key_path: 'public.pem', enforcement: 'soft' });
    expect(response.status).toBe(400);
    expect(response.body.message).toEqual([expect.stringContaining('must not be stored in configuration')]);
    expect(await sample.readConfig()).toBe(before);
    expect((await sample.get('/api/license')).body).toMatchObject({ status: 'accepted', enforcement: 'restricted' });
  });

  it.each([
    [{ license_key: 'LIBERTY_LICENSE_KEY' }, 'license_key must reference an environment variable as ${NAME}'],
    [{ license_key: '${1BAD}' }, 'license_key must reference an environment variable'],
    [{ license_key: 42 }, 'license_key must be a string'],
    [{ enforcement: 'hard' }, 'enforcement must be "restricted" or "soft"'],
    [{ public_key_path: 7 }, 'public_key_path must be a string'],
    [{ surprise: true }, 'property surprise should not exist'],
  ])('400 for %j, file untouched', async (body, message) => {
    const before = await sample.readConfig();
    const response = await put(body);
    expect(response.status).toBe(400);
    expect(response.body.message.join(' ')).toContain(message);
    expect(await sample.readConfig()).toBe(before);
  });

  it('400 for a body that is not a JSON object', async () => {
    expect((await put([1, 2])).status).toBe(400);
    // supertest sends a string body as a form: refused before validation (SameOriginGuard).
    const raw = await sample.call('put', '/api/settings/framework/license', { body: '"text"' });
    expect(raw.status).toBe(415);
    expect(raw.body.code).toBe('JSON_REQUIRED');
  });

  it('400 for a public key path that cannot be read, file untouched', async () => {
    const before = await sample.readConfig();
    const response = await put({ public_key_path: 'nowhere.pem' });
    expect(response.status).toBe(400);
    expect(response.body.message[0]).toMatch(
      /^public_key_path: public key unavailable \(cannot read .*nowhere\.pem: ENOENT\)$/,
    );
    expect(await sample.readConfig()).toBe(before);
  });

  it('a valid PUT writes app.toml atomically, keeps the rest of the file, and applies at once', async () => {
    const response = await put({ enforcement: 'soft' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      license_key: `\${${sample.keyVar}}`,
      public_key_path: 'public.pem',
      enforcement: 'soft',
    });
    const text = await sample.readConfig();
    expect(text.startsWith('# Test config\n')).toBe(true);
    const doc = parse(text) as { license: Record<string, unknown>; connectors: unknown[]; apps: unknown[] };
    expect(doc.license).toEqual({
      license_key: `\${${sample.keyVar}}`,
      public_key_path: 'public.pem',
      enforcement: 'soft',
      audience: 'liberty',
    });
    expect(doc.connectors).toHaveLength(5);
    expect(doc.apps).toHaveLength(2);
    expect((await sample.get('/api/license')).body.enforcement).toBe('soft');
    expect((await sample.get('/api/connectors/snowflake')).status).toBe(200);
    expect((await readdir(sample.dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    expect((await put({ enforcement: 'restricted' })).status).toBe(200);
    expect((await sample.get('/api/connectors/snowflake')).status).toBe(403);
  });

  it('concurrent PUTs leave a valid file that matches the running state', async () => {
    const modes = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 'soft' : 'restricted'));
    const responses = await Promise.all(modes.map((enforcement) => put({ enforcement })));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const doc = parse(await sample.readConfig()) as { license: { enforcement: string } };
    expect(doc.license.enforcement).toBe((await sample.get('/api/license')).body.enforcement);
    expect((await readdir(sample.dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await put({ enforcement: 'restricted' });
  });

  it('concurrent PUTs of different fields both land: each changes only the fields it gives (no lost write)', async () => {
    // The chaos suite's lost write: each PUT merged its fields into the settings as its request
    // had read them, so the later write put the other field back.
    await writeFile(join(sample.dir, 'copy.pem'), kit.publicKey);
    for (let round = 0; round < 3; round++) {
      const [path, mode] = await Promise.all([
        put({ public_key_path: round % 2 === 0 ? 'copy.pem' : 'public.pem' }),
        put({ enforcement: round % 2 === 0 ? 'soft' : 'restricted' }),
      ]);
      expect([path.status, mode.status]).toEqual([200, 200]);
      const expected = {
        public_key_path: round % 2 === 0 ? 'copy.pem' : 'public.pem',
        enforcement: round % 2 === 0 ? 'soft' : 'restricted',
      };
      expect(parse(await sample.readConfig())).toMatchObject({ license: expected });
      expect((await sample.get('/api/settings/framework/license')).body).toMatchObject(expected);
    }
    await put({ public_key_path: 'public.pem', enforcement: 'restricted' });
  });

  it('a config file corrupted while running: the PUT is a 500 naming the file and line, nothing changes', async () => {
    const good = await sample.readConfig();
    const broken = good.replace('enforcement = "restricted"', 'enforcement = ');
    await writeFile(sample.configPath, broken);
    try {
      const response = await put({ enforcement: 'soft' });
      expect(response.status).toBe(500);
      expect(response.body.code).toBe('CONFIG_MALFORMED');
      expect(response.body.message).toContain(sample.configPath);
      expect(response.body.message).toMatch(/line \d+, column \d+/);
      expect(response.body.message).toContain('nothing was changed');
      expect(await sample.readConfig()).toBe(broken);
      expect((await sample.get('/api/license')).body).toMatchObject({ status: 'accepted', enforcement: 'restricted' });
      // Connector toggles live in the database: the broken file does not block them.
      const toggle = await sample.call('patch', '/api/settings/connectors/sap', { body: { licensed: false } });
      expect(toggle.status).toBe(200);
      expect((await sample.get('/api/settings/connectors')).body).toContainEqual(
        expect.objectContaining({ id: 'sap', licensed: false }),
      );
      expect((await sample.call('patch', '/api/settings/connectors/sap', { body: { licensed: true } })).status).toBe(
        200,
      );
      expect(await sample.readConfig()).toBe(broken);
      expect((await sample.get('/health', null)).status).toBe(200);
    } finally {
      await writeFile(sample.configPath, good);
    }
  });

  it('a config file removed while running: 500 CONFIG_UNREADABLE, the app keeps its settings', async () => {
    const good = await sample.readConfig();
    await unlink(sample.configPath);
    try {
      const response = await put({ enforcement: 'soft' });
      expect(response.status).toBe(500);
      expect(response.body).toMatchObject({ code: 'CONFIG_UNREADABLE' });
      expect(response.body.message).toContain('ENOENT');
      expect((await sample.get('/api/settings/framework/license')).body.enforcement).toBe('restricted');
    } finally {
      await writeFile(sample.configPath, good);
    }
  });
});

describe('app.toml at startup', () => {
  let kit: LicenseTestKit;
  let dir: string;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
    dir = await mkdtemp(join(tmpdir(), 'liberty-sample-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const start = async (toml: string) => {
    const path = join(dir, `${unique('app')}.toml`);
    await writeFile(path, toml);
    return { path, result: createSampleApp({ configPath: path, dataDir: join(dirname(path), 'data'), logger: false }) };
  };

  it('a malformed file is a clear error naming the file, line and column', async () => {
    const { path, result } = await start('[license]\nlicense_key = "${X}"\nenforcement = "soft\n');
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppConfigError);
    expect((error as AppConfigError).message).toContain(path);
    expect((error as AppConfigError).message).toMatch(/\(line 3, column \d+\): malformed TOML/);
    expect((error as AppConfigError).line).toBe(3);
  });

  it.each([
    ['enforcement = "hard"', 'license.enforcement: must be "restricted" or "soft"'],
    ['public_key_path = 3', 'license.public_key_path: must be a string'],
    ['license_key = "LIBERTY_LICENSE_KEY"', 'license.license_key: must reference an environment variable'],
  ])('a wrong value (%s) names the key', async (line, message) => {
    const { path, result } = await start(`[license]\n${line}\n`);
    await expect(result).rejects.toThrow(`Invalid configuration in ${path}: ${message}`);
  });

  it('a JWT as license_key is refused without echoing it', async () => {
    const jwt = await issue(kit);
    const { result } = await start(`[license]\nlicense_key = "${jwt}"\n`);
    const error = (await result.catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('must not be stored in configuration');
    expect(error.message).not.toContain(jwt);
  });

  it('a connector without its licensed flag is refused', async () => {
    const { result } = await start('[[connectors]]\nid = "sap"\n');
    await expect(result).rejects.toThrow('connectors[0].licensed: must be true or false');
  });

  it('a missing file is a clear error', async () => {
    const missing = join(dir, 'missing.toml');
    await expect(createSampleApp({ configPath: missing, logger: false })).rejects.toThrow(
      `Invalid configuration in ${missing}: cannot read the file (ENOENT)`,
    );
  });

  it('LIBERTY_CONFIG names the file to use', async () => {
    const keyVar = unique('LIBERTY_TEST_KEY');
    const path = join(dir, 'chosen.toml');
    await writeFile(join(dir, 'public.pem'), kit.publicKey);
    await writeFile(path, sampleToml({ keyVar, enforcement: 'soft' }));
    process.env.LIBERTY_CONFIG = path;
    process.env.LIBERTY_DATA_DIR = join(dir, 'data');
    process.env.LIBERTY_ADMIN_TOKEN = 'config-test-admin-0123456789abcdef';
    try {
      const app = await createSampleApp({ logger: false });
      await app.init();
      const { default: request } = await import('supertest');
      const response = await request(app.getHttpServer())
        .get('/api/settings/framework/license')
        .set('Authorization', 'Bearer config-test-admin-0123456789abcdef');
      expect(response.body).toEqual({
        license_key: `\${${keyVar}}`,
        public_key_path: 'public.pem',
        enforcement: 'soft',
      });
      await app.close();
    } finally {
      delete process.env.LIBERTY_CONFIG;
      delete process.env.LIBERTY_DATA_DIR;
    }
  });
});
