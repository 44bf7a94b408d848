import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import type { Response } from 'supertest';
import { issue, issuedKeys, SampleApp, sampleToml, unique } from '../sample/sample-fixture.js';
import { filesUnder, responseText, SecretScanner } from './hardening-support.js';
import { specTimeout } from '../support/suite.js';

// The key-leak sweep, extended to activation by paste (key_store = "database"): accepted keys are
// written to the database and nowhere else; refused candidates reach no file at all, not even the
// database; no response, log line or stdout / stderr byte ever carries either.

specTimeout(60_000);

const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

describe('an activated key never leaks', () => {
  const accepted = new SecretScanner();
  const refused = new SecretScanner();
  const responses: Array<{ where: string; text: string }> = [];
  const written: string[] = [];
  let kit: LicenseTestKit;
  let stranger: LicenseTestKit;
  let sample: SampleApp;
  let dataDir: string;
  let restoreWrites: () => void;

  const aidoo = async (
    scanner: SecretScanner,
    label: string,
    overrides: Record<string, unknown> = {},
    signer?: LicenseTestKit,
  ) => {
    const token = await issue(signer ?? kit, {
      claims: {
        iss: 'aidoo.biz',
        aud: undefined,
        edition: undefined,
        features: undefined,
        instance: undefined,
        customer: `Customer ${label}`,
        tier: 'enterprise',
        products: ['pika'],
        seats: 5,
        ...overrides,
      },
    });
    issuedKeys.add(token);
    return scanner.add(token, label);
  };

  const record = (where: string, response: Response) => {
    responses.push({ where, text: responseText(response) });
    return response;
  };

  /** The License routes and the pages that show the license, after each step. */
  let heldWhileActive = false;

  async function sweep(state: string): Promise<void> {
    for (const path of [
      '/api/license',
      '/api/license/status',
      '/api/license/banner',
      '/api/settings/framework/license',
      '/settings/license',
      '/',
    ]) {
      record(`${state}: GET ${path}`, await sample.get(path));
    }
  }

  beforeAll(async () => {
    [kit, stranger] = await Promise.all([LicenseTestKit.create(), LicenseTestKit.create()]);
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
    dataDir = await mkdtemp(join(tmpdir(), 'liberty-leak-data-'));
    const keyVar = unique('LIBERTY_TEST_LEAK_ACTIVATION');
    const toml = sampleToml({ keyVar, enforcement: 'soft', audience: null, issuer: 'aidoo.biz', keyStore: 'database' });
    sample = await SampleApp.start(kit, { keyVar, toml, dataDir });
  });

  afterAll(async () => {
    restoreWrites?.();
    await sample?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('activate, refuse every kind of bad paste, re-activate, deactivate — sweeping after each step', async () => {
    await sweep('no key');
    const first = await aidoo(accepted, 'A');
    expect(
      record('POST activate A', await sample.call('post', '/api/license/activate', { body: { token: first } })).status,
    ).toBe(200);
    await sweep('activated A');

    const candidates: Array<[string, () => Promise<string>]> = [
      ['another signer', () => aidoo(refused, 'foreign', {}, stranger)],
      ['expired', () => aidoo(refused, 'expired', { iat: now() - 30 * DAY, nbf: now() - 30 * DAY, exp: now() - DAY })],
      ['not yet valid', () => aidoo(refused, 'future', { nbf: now() + 10 * DAY })],
      ['issuer mismatch', () => aidoo(refused, 'other issuer', { iss: 'nomana-it' })],
      ['invalid claims', () => aidoo(refused, 'bad claims', { seats: 'five' })],
      ['truncated', async () => (await aidoo(refused, 'truncated')).split('.').slice(0, 2).join('.')],
    ];
    for (const [label, make] of candidates) {
      const token = await make();
      const response = record(
        `POST activate ${label}`,
        await sample.call('post', '/api/license/activate', { body: { token } }),
      );
      expect(response.status).toBe(422);
      // The key as a bearer token or in an unknown property is refused without an echo too.
      record(`GET with ${label} as bearer`, await sample.get('/api/license', token));
      record(
        `POST activate ${label} with an extra property`,
        await sample.call('post', '/api/license/activate', { body: { token, echo: token } }),
      );
    }
    await sweep('after refusals');
    expect((await sample.get('/api/license')).body).toMatchObject({ status: 'accepted', customer: 'Customer A' });

    const second = await aidoo(accepted, 'B');
    expect(
      record('POST activate B', await sample.call('post', '/api/license/activate', { body: { token: second } })).status,
    ).toBe(200);
    await sweep('activated B');
    // While a key is activated the database holds it (so the scans below are not vacuous)…
    heldWhileActive = (await filesUnder(dataDir)).some(({ text }) => accepted.find(text).length > 0);
    expect(record('DELETE activation', await sample.call('delete', '/api/license/activation')).status).toBe(200);
    await sweep('deactivated');
  });

  it('no response carried an accepted or a refused key (whole, payload or signature)', () => {
    expect(responses.length).toBeGreaterThan(40);
    for (const { where, text } of responses) {
      accepted.expectClean(text, `the response to ${where}`);
      refused.expectClean(text, `the response to ${where}`);
    }
  });

  it('no log line and nothing written to stdout / stderr carried one', () => {
    const lines = sample.logger.lines;
    expect(lines.some((line) => line.includes('license activation refused — reason="signature invalid"'))).toBe(true);
    expect(lines.some((line) => line.includes('license activated — key store database'))).toBe(true);
    for (const text of [...lines, ...written]) {
      accepted.expectClean(text, 'a log line or stdout / stderr');
      refused.expectClean(text, 'a log line or stdout / stderr');
    }
  });

  it('accepted keys are only in the database; refused ones in no file; app.toml untouched', async () => {
    const configFiles = await filesUnder(sample.dir);
    expect(configFiles.map((f) => f.path.slice(sample.dir.length + 1)).sort()).toEqual(['app.toml', 'public.pem']);
    for (const { path, text } of configFiles) {
      accepted.expectClean(text, path);
      refused.expectClean(text, path);
    }
    const dataFiles = await filesUnder(dataDir);
    expect(dataFiles.length).toBeGreaterThan(0);
    for (const { path, text } of dataFiles) {
      refused.expectClean(text, path);
      if (!/liberty\.db(-wal|-shm)?$/.test(path)) accepted.expectClean(text, path);
    }
    // …and once deactivated no byte of it is left (SQLite secure_delete, WAL truncated: issue 19).
    expect(heldWhileActive).toBe(true);
    expect(dataFiles.filter(({ text }) => accepted.find(text).length > 0).map(({ path }) => path)).toEqual([]);
  });
});
