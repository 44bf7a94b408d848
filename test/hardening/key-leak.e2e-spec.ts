import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { parse } from 'smol-toml';
import type { Response } from 'supertest';
import { claims, issue, issuedKeys, SampleApp, sampleToml, unique } from '../sample/sample-fixture.js';
import { b64json, filesUnder, responseText, SecretScanner } from './hardening-support.js';
import { until } from '../support/poll.js';
import { specTimeout } from '../support/suite.js';

// The key never leaks: the sample app is driven through every license state (no key, accepted,
// rejected for each reason, rotated by variable, by settings and by _FILE, expired at startup and
// while running) and no response (status, headers, body), no log line, no byte written to stdout /
// stderr and no file in its config directory ever carries a key, its payload segment or its
// signature segment.

specTimeout(60_000);

const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

describe('the license key never leaks', () => {
  const secrets = new SecretScanner();
  const responses: Array<{ where: string; text: string }> = [];
  const written: string[] = [];
  let kit: LicenseTestKit;
  let stranger: LicenseTestKit;
  let sample: SampleApp;
  let secretDir: string;
  let restoreWrites: () => void;

  /** A key the app will see: remembered by the scanner and by the fixture's own check. */
  const remember = (token: string, label: string) => {
    issuedKeys.add(token);
    return secrets.add(token, label);
  };
  const signed = async (label: string, claimSet: Record<string, unknown> = {}, signer?: LicenseTestKit) =>
    remember(
      await issue(signer ?? kit, {
        claims: claims(
          {
            connectors: ['sap'],
            apps: ['nomajde'],
            users: { max: 50 },
            ai: { providers: ['anthropic'], messagesPerDay: 100 },
          },
          claimSet,
        ),
      }),
      label,
    );

  const setKey = (token: string | undefined) => {
    if (token === undefined) delete process.env[sample.keyVar];
    else process.env[sample.keyVar] = token;
  };

  /** Every route of DESIGN.md section 7, plus inputs that would echo a key if anything did. */
  async function sweep(state: string): Promise<Response> {
    const record = (route: string, response: Response) => {
      responses.push({ where: `${state}: ${route}`, text: responseText(response) });
      return response;
    };
    const reverified = record('POST /api/license/reverify', await sample.call('post', '/api/license/reverify'));
    expect(reverified.status).toBe(200);
    const gets = [
      '/api/license',
      '/api/license/status',
      '/api/settings/framework/license',
      '/api/settings/connectors',
      '/api/catalogue',
      '/api/ai/tools',
      '/api/menus',
      '/api/apps',
      '/api/users',
      '/api/me',
      '/api/connectors/sap',
      '/api/connectors/sap/tables',
      '/api/connectors/snowflake/warehouses',
      '/api/connectors/postgres',
      '/api/connectors/postgres/schemas',
      '/settings/license',
    ];
    for (const path of gets) record(`GET ${path}`, await sample.get(path));
    record('GET /health', await sample.get('/health', null));
    record('GET /login', await sample.get('/login', null));
    record(
      'POST /api/ai/messages',
      await sample.call('post', '/api/ai/messages', { body: { provider: 'anthropic', message: 'hi' } }),
    );
    record(
      'POST /api/users',
      await sample.call('post', '/api/users', { body: { name: `user ${state}`.slice(0, 60), permissions: [] } }),
    );
    const current = process.env[sample.keyVar];
    if (current) {
      // Someone pastes the key where a reference or a token belongs: refused, never echoed.
      const put = record(
        'PUT key as license_key',
        await sample.call('put', '/api/settings/framework/license', { body: { license_key: current } }),
      );
      expect(put.status).toBe(400);
      record(
        'POST /api/session with the key',
        await sample.call('post', '/api/session', { token: null, body: { token: current } }),
      );
      record('GET /api/license with the key as bearer', await sample.get('/api/license', current));
    }
    return reverified;
  }

  beforeAll(async () => {
    [kit, stranger] = await Promise.all([LicenseTestKit.create(), LicenseTestKit.create()]);
    // Whatever the process writes to stdout / stderr while the app runs is kept and scanned too.
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = (chunk: unknown, ...rest: never[]) => (
      written.push(String(chunk)),
      out(chunk as string, ...rest)
    );
    process.stderr.write = (chunk: unknown, ...rest: never[]) => (
      written.push(String(chunk)),
      err(chunk as string, ...rest)
    );
    restoreWrites = () => {
      process.stdout.write = out;
      process.stderr.write = err;
    };
    const keyVar = unique('LIBERTY_TEST_LEAK');
    // Every sweep tries the key as a token: more failures than the sign-in lock-out allows.
    process.env.LIBERTY_AUTH_RATE_LIMIT = '10000';
    sample = await SampleApp.start(kit, {
      keyVar,
      toml: sampleToml({ keyVar, issuer: 'test-vendor', pollMs: 50 }),
    });
    secretDir = await mkdtemp(join(tmpdir(), 'liberty-secret-'));
  });

  afterAll(async () => {
    delete process.env.LIBERTY_AUTH_RATE_LIMIT;
    restoreWrites?.();
    await sample?.close();
    await rm(secretDir, { recursive: true, force: true });
  });

  it('no key: not configured', async () => {
    const view = await sweep('no key');
    expect(view.body).toMatchObject({ status: 'not-configured' });
  });

  let keyA = '';
  it('accepted', async () => {
    setKey((keyA = await signed('key A', { customer: 'Customer A' })));
    expect((await sweep('accepted')).body).toMatchObject({ status: 'accepted', customer: 'Customer A' });
  });

  const rejections: Array<[string, RegExp, () => Promise<string>]> = [
    [
      'malformed (signature cut off)',
      /^malformed$/,
      async () => {
        const [h, p] = (await signed('full key behind a truncated one')).split('.');
        return `${h}.${p}`;
      },
    ],
    [
      'unsupported algorithm (HS256 header on an RS256 key)',
      /^unsupported algorithm \(HS256\)$/,
      async () => {
        const [, p, s] = (await signed('key behind an HS256 header')).split('.');
        return `${b64json({ alg: 'HS256', typ: 'JWT' })}.${p}.${s}`;
      },
    ],
    ['signature invalid (another signer)', /^signature invalid$/, () => signed('foreign key', {}, stranger)],
    [
      'expired',
      /^expired \(\d{4}-\d{2}-\d{2}\)$/,
      () => signed('expired key', { iat: now() - 30 * DAY, nbf: now() - 30 * DAY, exp: now() - DAY }),
    ],
    [
      'not yet valid',
      /^not yet valid \(\d{4}-\d{2}-\d{2}\)$/,
      () => signed('future key', { nbf: now() + 10 * DAY, exp: now() + 400 * DAY }),
    ],
    ['audience mismatch', /^audience mismatch$/, () => signed('other audience', { aud: 'another-product' })],
    ['issuer mismatch', /^issuer mismatch$/, () => signed('other issuer', { iss: 'someone-else' })],
    ['invalid claims', /^invalid claims \(.+\)$/, () => signed('bad claims', { features: { connectors: 'sap' } })],
  ];

  it.each(rejections)('rejected: %s', async (label, reason, make) => {
    const token = await make();
    remember(token, label);
    setKey(token);
    const view = (await sweep(`rejected: ${label}`)).body;
    expect(view.status).toBe('rejected');
    expect(view.reason).toMatch(reason);
  });

  it('rejected: public key unavailable (the public key file replaced by garbage)', async () => {
    setKey(
      await signed('key under an unreadable public key', { customer: 'Customer A', instance: 'unreadable-public-key' }),
    );
    const pem = join(sample.dir, 'public.pem');
    await writeFile(pem, 'not a key');
    try {
      expect((await sweep('public key unavailable')).body).toMatchObject({
        status: 'rejected',
        reason: 'public key unavailable (not a PEM public key)',
      });
    } finally {
      await writeFile(pem, kit.publicKey);
    }
  });

  it('rotated by the variable, then by the settings page (app.toml rewritten) and back', async () => {
    setKey(await signed('key B', { customer: 'Customer B' }));
    expect((await sweep('rotated by variable')).body).toMatchObject({ status: 'accepted', customer: 'Customer B' });
    const other = unique('LIBERTY_TEST_LEAK_OTHER');
    process.env[other] = await signed('key C', { customer: 'Customer C' });
    try {
      const put = await sample.call('put', '/api/settings/framework/license', {
        body: { license_key: `\${${other}}` },
      });
      expect(put.status).toBe(200);
      responses.push({ where: 'PUT settings', text: responseText(put) });
      expect((await sample.get('/api/license')).body).toMatchObject({ status: 'accepted', customer: 'Customer C' });
      const back = await sample.call('put', '/api/settings/framework/license', {
        body: { license_key: `\${${sample.keyVar}}` },
      });
      expect(back.status).toBe(200);
      const patch = await sample.call('patch', '/api/settings/connectors/rest', { body: { licensed: true } });
      expect(patch.status).toBe(200);
      responses.push({ where: 'PATCH connector', text: responseText(patch) });
    } finally {
      delete process.env[other];
    }
  });

  it('rotated through <NAME>_FILE: read at reverify, a rewritten secret picked up by itself', async () => {
    setKey(undefined);
    const secret = join(secretDir, 'license.jwt');
    await writeFile(secret, `${await signed('file key D', { customer: 'Customer D' })}\n`);
    process.env[`${sample.keyVar}_FILE`] = secret;
    expect((await sweep('from _FILE')).body).toMatchObject({ status: 'accepted', customer: 'Customer D' });
    await writeFile(`${secret}.new`, await signed('file key E', { customer: 'Customer E' }));
    await rename(`${secret}.new`, secret);
    await until('the rotated secret', async () => (await sample.get('/api/license')).body.customer === 'Customer E', {
      timeoutMs: 10_000,
    });
    expect((await sweep('rotated _FILE')).body).toMatchObject({ status: 'accepted', customer: 'Customer E' });
    delete process.env[`${sample.keyVar}_FILE`];
  });

  it('expired while running (exp passes without a request)', async () => {
    setKey(await signed('key expiring in 2 s', { customer: 'Customer F', exp: now() + 2 }));
    expect((await sample.call('post', '/api/license/reverify')).body).toMatchObject({
      status: 'accepted',
      customer: 'Customer F',
    });
    await until('expiry at exp', async () => (await sample.get('/api/license/status')).body.valid === false, {
      timeoutMs: 8_000,
    });
    // The sweep re-verifies: the key is now rejected as expired at verification too.
    expect((await sweep('expired while running')).body).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/^expired /),
      customer: 'Customer F',
    });
  });

  it('no response carried a key, a payload segment or a signature segment', () => {
    expect(responses.length).toBeGreaterThan(250);
    // The scanner itself: a lone segment is found, and named without being printed.
    expect(secrets.find(JSON.stringify({ echoed: keyA.split('.')[2] }))).toEqual(['key A (signature segment)']);
    for (const { where, text } of responses) secrets.expectClean(text, `the response to ${where}`);
  });

  it('no log line and nothing written to stdout / stderr carried one', () => {
    const lines = sample.logger.lines;
    // The app did log through the capturing logger: the scan is not vacuous.
    expect(lines.some((line) => line.includes('license rejected — reason="signature invalid"'))).toBe(true);
    expect(lines.some((line) => line.includes('license accepted — customer="Customer E"'))).toBe(true);
    for (const line of lines) secrets.expectClean(line, 'a log line');
    for (const chunk of written) secrets.expectClean(chunk, 'stdout / stderr');
  });

  it('no file in the config directory (app.toml as rewritten, temp files) carries one', async () => {
    const files = await filesUnder(sample.dir);
    expect(files.map((f) => f.path.slice(sample.dir.length + 1)).sort()).toEqual(['app.toml', 'public.pem']);
    const toml = files.find((f) => f.path.endsWith('app.toml'))!.text;
    // The settings page did rewrite it (the PUTs above; connector toggles live in the database).
    const connectors = (parse(toml) as { connectors: Array<{ id: string; licensed: boolean }> }).connectors;
    expect(connectors.find((c) => c.id === 'rest')).toBeDefined();
    for (const { path, text } of files) secrets.expectClean(text, path);
    const others = (await filesUnder(secretDir)).filter((f) => !f.path.endsWith('license.jwt'));
    for (const { path, text } of others) secrets.expectClean(text, path);
  });
});
