// Findings 5 and 6 of the security review (issue 13): every file an operator names — the public
// key path, the `<NAME>_FILE` secret, the CLI's key options — is read with a size cap and refused
// when it is not a regular file. `/dev/zero`, a FIFO with no writer, a directory, a UNIX socket and
// a 10 MB file each fail with a clear error at once, with bounded memory; before the fix
// `/dev/zero` grew the process by GBs and a FIFO blocked a libuv thread for good.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { FILE_SIZE_CAPS, FileReadError, loadPublicKeys, readBoundedFile } from '@liberty/license/verify';
import { generateLicenseKeyPair, signLicense, type PemKeyPair } from '@liberty/license-cli';
import { readAppConfig } from '../../apps/sample/src/config/app-config.loader.js';
import { readLicenseKey } from '../../libs/license/src/key-stores/environment-key.store.js';
import { BIN } from '../cli/support/cli-harness.js';
import { specTimeout } from '../support/suite.js';

specTimeout(60_000);

describe('bounded-reads', () => {
  /** Generous for a loaded 2-core machine; a bounded read takes ~1 ms, an unbounded one seconds or forever. */
  const FAST_MS = 5_000;
  const RSS_GROWTH_LIMIT = 20 * 1024 * 1024;

  // Time and memory are measured in a child process that runs the BUILT readers (`npm run build`
  // first) and reports its own peak RSS: Jest's heap and GC would make an in-process figure flaky.
  const MEASURED_READS = fileURLToPath(new URL('./support/measured-reads.mjs', import.meta.url));
  const built = (path: string) => pathToFileURL(fileURLToPath(new URL(`../../${path}`, import.meta.url))).href;
  /** The built counterpart of each reader imported above. */
  const BUILT_READERS = {
    readBoundedFile: built('libs/license/dist/verify/index.js'),
    loadPublicKeys: built('libs/license/dist/verify/index.js'),
    readLicenseKey: built('libs/license/dist/key-stores/environment-key.store.js'),
    readAppConfig: built('apps/sample/dist/config/app-config.loader.js'),
  };
  interface ReadCost {
    ms: number;
    peakGrowthBytes: number;
    result?: unknown;
    error?: string;
  }
  let costs: Record<string, ReadCost>;

  let dir: string;
  let fifo: string;
  let socketPath: string;
  let socketServer: Server;
  let hugeFile: string;
  let vendor: PemKeyPair;
  let publicPem: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'liberty-bounded-reads-'));
    fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    socketPath = join(dir, 'socket');
    socketServer = createServer();
    await new Promise<void>((resolve) => socketServer.listen(socketPath, resolve));
    hugeFile = join(dir, 'huge.pem');
    await writeFile(hugeFile, Buffer.alloc(10 * 1024 * 1024, 'A'));
    vendor = await generateLicenseKeyPair(2048);
    publicPem = join(dir, 'public.pem');
    await writeFile(publicPem, vendor.publicKey);
    costs = await measureReads();
  });

  /** Every hostile read below, once each, in one child process: its cost per read. */
  async function measureReads(): Promise<Record<string, ReadCost>> {
    const cases: Array<{ id: string; module: string; name: string; args: unknown[]; env?: object; repeat?: number }> =
      [];
    for (const [what, path] of hostileFiles(FILE_SIZE_CAPS.config)) {
      const [file, config] = [path(), FILE_SIZE_CAPS.config];
      cases.push({
        id: `readBoundedFile ${what}`,
        module: BUILT_READERS.readBoundedFile,
        name: 'readBoundedFile',
        args: [file, config],
      });
      cases.push({
        id: `readAppConfig ${what}`,
        module: BUILT_READERS.readAppConfig,
        name: 'readAppConfig',
        args: [file],
      });
      cases.push({
        id: `loadPublicKeys ${what}`,
        module: BUILT_READERS.loadPublicKeys,
        name: 'loadPublicKeys',
        args: [{ publicKeyPath: file }],
      });
      cases.push({
        id: `readLicenseKey ${what}`,
        module: BUILT_READERS.readLicenseKey,
        name: 'readLicenseKey',
        args: [{ $env: true }, 'LL_KEY'],
        env: { LL_KEY_FILE: file },
      });
    }
    cases.push({
      id: 'loadPublicKeys /dev/zero three times',
      module: BUILT_READERS.loadPublicKeys,
      name: 'loadPublicKeys',
      args: [{ publicKeyPath: '/dev/zero' }],
      repeat: 3,
    });
    const { stdout } = await promisify(execFile)(process.execPath, [MEASURED_READS, JSON.stringify(cases)], {
      env: { PATH: process.env.PATH ?? '' },
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(stdout) as Record<string, ReadCost>;
  }

  /** The read `id` settled fast with bounded memory in the child, with the same outcome (`detail`). */
  function expectBounded(id: string, detail: string): void {
    const cost = costs[id];
    expect(cost).toBeDefined();
    expect(cost?.error ?? JSON.stringify(cost?.result)).toContain(detail);
    expect(cost?.ms).toBeLessThan(FAST_MS);
    expect(cost?.peakGrowthBytes).toBeLessThan(RSS_GROWTH_LIMIT);
  }

  afterAll(async () => {
    await new Promise((resolve) => socketServer.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  /** Each hostile file and the detail its error must carry. */
  function hostileFiles(cap: number): Array<[string, () => string, string]> {
    return [
      ['/dev/zero', () => '/dev/zero', 'not a regular file (character device)'],
      ['a FIFO with no writer', () => fifo, 'not a regular file (FIFO)'],
      ['a directory', () => dir, 'EISDIR'],
      ['a UNIX socket', () => socketPath, 'not a regular file (socket or device)'],
      ['a 10 MB file', () => hugeFile, `larger than ${cap} bytes`],
    ];
  }

  describe('readBoundedFile', () => {
    it.each(hostileFiles(FILE_SIZE_CAPS.config))('refuses %s fast, with bounded memory', async (what, path, detail) => {
      const error = await readBoundedFile(path(), FILE_SIZE_CAPS.config).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileReadError);
      expectBounded(`readBoundedFile ${what}`, detail);
      expect((error as FileReadError).detail).toBe(detail);
      expect((error as FileReadError).message).toBe(`cannot read ${path()}: ${detail}`);
    });

    it('reads a regular file up to the cap, and one byte more is refused', async () => {
      const exact = join(dir, 'exact');
      await writeFile(exact, 'x'.repeat(1024));
      await expect(readBoundedFile(exact, 1024)).resolves.toHaveLength(1024);
      await expect(readBoundedFile(exact, 1023)).rejects.toThrow('larger than 1023 bytes');
    });

    it('a missing file is its system code', async () => {
      await expect(readBoundedFile(join(dir, 'none'), 10)).rejects.toMatchObject({ detail: 'ENOENT' });
    });

    it('many FIFO reads at once do not starve the threadpool: a regular read still completes', async () => {
      // Before the fix, 4 blocking opens of a FIFO filled libuv's 4 threads and every later file
      // operation (pages, re-verify) waited for good.
      // (Starved, the regular read would never settle: the test's timeout is the bound.)
      const fifoReads = Array.from({ length: 8 }, () => readBoundedFile(fifo, 1024).catch((e: unknown) => e));
      const regular = await readBoundedFile(publicPem, FILE_SIZE_CAPS.publicKey);
      expect(regular).toBe(vendor.publicKey);
      for (const error of await Promise.all(fifoReads))
        expect(error).toMatchObject({ detail: 'not a regular file (FIFO)' });
    });
  });

  describe("the public key path (publicKeyPath, the sample app's public_key_path)", () => {
    it.each(hostileFiles(FILE_SIZE_CAPS.publicKey))('%s → public key unavailable, fast', async (what, path, detail) => {
      const outcome = await loadPublicKeys({ publicKeyPath: path() });
      expect(outcome).toEqual({ ok: false, why: `cannot read ${path()}: ${detail}` });
      expectBounded(`loadPublicKeys ${what}`, detail);
    });

    it('three reads of /dev/zero in a row stay bounded (the review saw 1.77 GB)', async () => {
      expectBounded('loadPublicKeys /dev/zero three times', 'not a regular file (character device)');
    });
  });

  describe('the key file (<NAME>_FILE)', () => {
    it.each(hostileFiles(FILE_SIZE_CAPS.keyFile))(
      '%s → unreadable with the reason, fast',
      async (what, path, detail) => {
        const env = { get: <T>(name: string) => (name === 'LL_KEY_FILE' ? path() : undefined) as T | undefined };
        const read = await readLicenseKey(env, 'LL_KEY');
        expect(read).toEqual({ kind: 'unreadable', source: 'LL_KEY_FILE', why: `cannot read LL_KEY_FILE (${detail})` });
        expectBounded(`readLicenseKey ${what}`, detail);
      },
    );
  });

  describe("the sample app's config file (LIBERTY_CONFIG)", () => {
    it.each(hostileFiles(FILE_SIZE_CAPS.config))(
      '%s → a clear configuration error, fast',
      async (what, path, detail) => {
        const error = await readAppConfig(path()).catch((e: unknown) => e);
        expect((error as Error).message).toBe(`Invalid configuration in ${path()}: cannot read the file (${detail})`);
        expectBounded(`readAppConfig ${what}`, detail);
      },
    );
  });

  /** Runs the built CLI under /usr/bin/time to learn its peak RSS (KiB). */
  function runCliMeasured(
    args: string[],
    env: Record<string, string>,
  ): Promise<{ code: number | null; stderr: string; maxRssKb: number; ms: number }> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn('/usr/bin/time', ['-f', 'MAXRSS=%M', process.execPath, BIN, ...args], {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        const match = /MAXRSS=(\d+)/.exec(stderr);
        resolve({
          code,
          stderr: stderr.replace(/(Command exited.*\n)?MAXRSS=\d+\n?/, ''),
          maxRssKb: Number(match?.[1] ?? NaN),
          ms: performance.now() - started,
        });
      });
    });
  }

  describe('the CLI (run as a child process; `npm run build` first)', () => {
    let baselineKb: number;
    let token: string;

    beforeAll(async () => {
      token = await signLicense(
        { customer: 'Acme Corp', aud: 'liberty', exp: Math.floor(Date.now() / 1000) + 86_400 },
        { privateKey: vendor.privateKey },
      );
      // Peak RSS of a run that reads a normal key file: the yardstick for the hostile ones.
      const tokenFile = join(dir, 'token');
      await writeFile(tokenFile, token);
      const normal = await runCliMeasured(['verify', '--public-key', publicPem, '--audience', 'liberty'], {
        LIBERTY_LICENSE_KEY_FILE: tokenFile,
      });
      expect(normal.code).toBe(0);
      baselineKb = normal.maxRssKb;
    });

    it.each(hostileFiles(FILE_SIZE_CAPS.keyFile))(
      'LIBERTY_LICENSE_KEY_FILE=%s → exit 2, clear error, bounded RSS',
      async (what, path, detail) => {
        const result = await runCliMeasured(['verify', '--public-key', publicPem, '--audience', 'liberty'], {
          LIBERTY_LICENSE_KEY_FILE: path(),
        });
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(`cannot read LIBERTY_LICENSE_KEY_FILE (${detail})`);
        expect((result.maxRssKb - baselineKb) * 1024).toBeLessThan(RSS_GROWTH_LIMIT);
      },
    );

    it.each(hostileFiles(FILE_SIZE_CAPS.publicKey))(
      '--public-key %s → exit 2, clear error, bounded RSS',
      async (what, path, detail) => {
        const result = await runCliMeasured(['verify', token, '--public-key', path(), '--audience', 'liberty'], {});
        expect(result.code).toBe(2);
        const expected = detail.startsWith('larger than')
          ? `--public-key ${path()} is ${detail}`
          : `cannot read --public-key ${path()}: ${detail}`;
        expect(result.stderr).toContain(expected);
        expect((result.maxRssKb - baselineKb) * 1024).toBeLessThan(RSS_GROWTH_LIMIT);
      },
    );
  });
});
