// Keeps `npm run bench` from rotting: runs every suite of bench/run.js for a few hundred
// iterations and checks the shape of what it writes. Benchmarks are not tests: no figure is
// compared with any threshold here.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const FIGURES = [
  'setHasNs',
  'isLicensedNs',
  'bareNoopGuardNs',
  'bareLicenseGuardNs',
  'stepNoopGuardNs',
  'stepLicenseGuardNs',
  'joseVerifyUs',
  'verifyUs',
  'rawVerifyUs',
  'bootstrapMsWithout',
  'bootstrapMsWith',
  'reverifyHeapBytes',
  'fanOutMs',
  'redisConsumeUs',
  'redisIncrbyUs',
  'inMemoryConsumeUs',
  'databaseConsumeUs',
  'busConvergenceMs',
  'busConvergenceP99Ms',
  'seatClaimsPerSec',
  'plainInsertsPerSec',
  ...['express', 'fastify'].flatMap((adapter) =>
    ['unguardedRps', 'noopGuardRps', 'licenseGuardRps', 'perRequestVerifyRps'].map((name) => `${adapter}.${name}`),
  ),
];

const at = (object: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], object);

describe('npm run bench (smoke run)', () => {
  let dir: string;
  let results: Record<string, unknown>;
  let stdout: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'liberty-bench-'));
    const out = join(dir, 'results.json');
    ({ stdout } = await run(process.execPath, ['bench/run.js', '--smoke', '--out', out], {
      cwd: ROOT,
      timeout: 110_000,
      maxBuffer: 4 * 1024 * 1024,
    }));
    results = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(FIGURES)('results.json has %s as a number (the median)', (path) => {
    const value = at(results, path);
    expect(typeof value).toBe('number');
    expect(Number.isFinite(value)).toBe(true);
  });

  it.each(FIGURES)('results.json keeps the spread of %s (median within min–max)', (path) => {
    const range = (results.ranges as Record<string, { median: number; min: number; max: number; n: number }>)[path];
    expect(range).toEqual({
      median: expect.any(Number),
      min: expect.any(Number),
      max: expect.any(Number),
      n: expect.any(Number),
    });
    expect(range.median).toBe(at(results, path));
    expect(range.min).toBeLessThanOrEqual(range.median);
    expect(range.median).toBeLessThanOrEqual(range.max);
    expect(range.n).toBeGreaterThanOrEqual(1);
  });

  it('reports every target ratio with its value and whether it is met', () => {
    const ratios = results.ratios as Array<{
      name: string;
      value: number;
      op?: string;
      target?: number;
      met?: boolean;
    }>;
    const targets = ratios.filter((ratio) => ratio.target !== undefined);
    expect(targets.map((ratio) => ratio.name)).toEqual([
      'guard step: stepLicenseGuardNs / stepNoopGuardNs',
      'express: licenseGuard ÷ noopGuard server CPU µs per request',
      'fastify: licenseGuard ÷ noopGuard server CPU µs per request',
      'express: licenseGuard ÷ unguarded server CPU µs per request',
      'isLicensedNs / setHasNs',
      'verifyUs / joseVerifyUs',
      'bootstrapMsWith − bootstrapMsWithout (ms)',
      'reverifyHeapBytes (MiB)',
      'fanOutMs',
      'redisIncrbyUs / redisConsumeUs (consume throughput vs bare INCRBY)',
    ]);
    for (const ratio of targets) {
      expect(Number.isFinite(ratio.value)).toBe(true);
      expect(typeof ratio.met).toBe('boolean');
    }
  });

  it('records the machine it ran on', () => {
    expect(results.machine).toEqual(
      expect.objectContaining({ nproc: expect.any(Number), cpu: expect.any(String), node: process.version }),
    );
  });

  it('prints the table and the ratios beside the figures', () => {
    expect(stdout).toContain('| figure | median | min – max | n |');
    for (const path of FIGURES) expect(stdout).toContain(`| ${path} |`);
    expect(stdout).toContain('| ratio | value | target | |');
  });
});
