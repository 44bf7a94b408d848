// `liberty-license keygen`: key sizes, file modes, never overwriting, run through the built bin.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RSA_BITS } from '@liberty/license-cli';
import { lines, runCli, TIMEOUT } from './support/cli-harness.js';

describe('keygen', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'liberty-keygen-'));
  }, TIMEOUT);
  afterAll(() => rm(root, { recursive: true, force: true }));

  const mode = async (path: string) => (await stat(path)).mode & 0o777;

  describe('liberty-license keygen', () => {
    it(
      `writes a ${DEFAULT_RSA_BITS}-bit pair by default: private.pem 0600, public.pem, matching`,
      async () => {
        const out = join(root, 'default', 'nested');
        const result = await runCli(['keygen', '--out', out]);
        expect(result.code).toBe(0);
        expect(lines(result.stdout)).toEqual([
          `wrote ${join(out, 'private.pem')} (RSA ${DEFAULT_RSA_BITS} bits, mode 0600): signs license keys; keep it secret, never commit it`,
          `wrote ${join(out, 'public.pem')}: bundle it with your product`,
        ]);
        const privateKey = createPrivateKey(await readFile(join(out, 'private.pem'), 'utf8'));
        const publicKey = createPublicKey(await readFile(join(out, 'public.pem'), 'utf8'));
        expect(privateKey.asymmetricKeyType).toBe('rsa');
        expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(DEFAULT_RSA_BITS);
        const signature = sign('sha256', Buffer.from('pair'), privateKey);
        expect(verify('sha256', Buffer.from('pair'), publicKey, signature)).toBe(true);
        expect(await mode(join(out, 'private.pem'))).toBe(0o600);
        expect(await mode(out)).toBe(0o700); // created for the private key
      },
      TIMEOUT,
    );

    it(
      '--bits 2048; private.pem is 0600 even under umask 000',
      async () => {
        const out = join(root, 'umask');
        const result = await runCli(['keygen', '--out', out, '--bits', '2048'], { umask: '000' });
        expect(result.code).toBe(0);
        expect(
          createPublicKey(await readFile(join(out, 'public.pem'), 'utf8')).asymmetricKeyDetails?.modulusLength,
        ).toBe(2048);
        expect(await mode(join(out, 'private.pem'))).toBe(0o600);
        expect(await mode(join(out, 'public.pem'))).toBe(0o644);
      },
      TIMEOUT,
    );

    it.each([0o777, 0o775])(
      'an existing --out that other users can write to (%o) is refused: exit 2, no key written (issue 20)',
      async (dirMode) => {
        const out = join(root, `open-${dirMode.toString(8)}`);
        await mkdir(out);
        await chmod(out, dirMode);
        const result = await runCli(['keygen', '--out', out, '--bits', '2048']);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(
          `--out ${out} is writable by other users (mode 0${dirMode.toString(8)}); use a private directory (chmod 700 ${out})`,
        );
        expect(await readdir(out)).toEqual([]);
      },
      TIMEOUT,
    );

    it.concurrent.each([
      ['private.pem', ['private.pem']],
      ['public.pem', ['public.pem']],
      ['both files', ['private.pem', 'public.pem']],
    ])(
      'never overwrites: with %s present, exit 2 and nothing changes',
      async (_name, existing) => {
        const out = join(root, `exists-${existing.join('-')}`);
        await mkdir(out);
        for (const file of existing) await writeFile(join(out, file), `keep ${file}\n`);

        const result = await runCli(['keygen', '--out', out, '--bits', '2048']);

        expect(result.code).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(/already exists; keygen never overwrites a key/);
        for (const file of ['private.pem', 'public.pem']) {
          const content = await readFile(join(out, file), 'utf8').catch(() => undefined);
          expect(content).toBe(existing.includes(file) ? `keep ${file}\n` : undefined);
        }
      },
      TIMEOUT,
    );

    it.concurrent.each<[string[], RegExp]>([
      [[], /option --out DIR is required/],
      [['--out', 'x', '--bits', '1024'], /option --bits must be a whole number from 2048 to 16384/],
      [['--out', 'x', '--bits', '3072.5'], /option --bits must be a whole number/],
      [['--out', 'x', '--bits', 'many'], /option --bits must be a whole number/],
      [['--out', 'x', '--bits', '99999'], /option --bits must be a whole number from 2048 to 16384/],
      [['some-dir'], /keygen takes no arguments; use --out DIR/],
    ])(
      'keygen %j → exit 2',
      async (args, message) => {
        const result = await runCli(['keygen', ...args]);
        expect(result.code).toBe(2);
        expect(lines(result.stderr)).toHaveLength(1);
        expect(result.stderr).toMatch(message);
      },
      TIMEOUT,
    );

    it(
      'an --out that cannot be created is a usage error',
      async () => {
        const file = join(root, 'a-file');
        await writeFile(file, '');
        const result = await runCli(['keygen', '--out', join(file, 'sub'), '--bits', '2048']);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/cannot create --out .*a-file\/sub: (ENOTDIR|EEXIST)/);
      },
      TIMEOUT,
    );

    it(
      'an --out under a parent that can never hold it (/proc/nope) fails at once, not a busy loop of recursive mkdir',
      async () => {
        const started = Date.now();
        const result = await runCli(['keygen', '--out', '/proc/nope/keys', '--bits', '2048']);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/cannot create --out \/proc\/nope\/keys: E[A-Z]+/);
        expect(Date.now() - started).toBeLessThan(TIMEOUT / 2); // it used to spin until killed
      },
      TIMEOUT,
    );

    it(
      'creates missing parents of --out with mode 0700 each',
      async () => {
        const out = join(root, 'deep', 'er', 'keys');
        expect((await runCli(['keygen', '--out', out, '--bits', '2048'])).code).toBe(0);
        for (const dir of [join(root, 'deep'), join(root, 'deep', 'er'), out])
          expect(((await stat(dir)).mode & 0o777).toString(8)).toBe('700');
      },
      TIMEOUT,
    );
  });
});
