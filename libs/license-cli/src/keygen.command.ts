import { constants } from 'node:fs';
import { access, mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_RSA_BITS, generateLicenseKeyPair } from './license-signer.js';
import { MIN_RSA_BITS } from '@liberty/license/verify';
import {
  CLI_NAME,
  type CliCommand,
  type CliIo,
  ExitCode,
  HELP_OPTION,
  optionValue,
  parseCount,
  type ParsedArgs,
  requiredValue,
  UsageError,
} from '@liberty/license/cli';

const MAX_RSA_BITS = 16384;
export const PRIVATE_KEY_FILE = 'private.pem';
export const PUBLIC_KEY_FILE = 'public.pem';

const help = `Usage: ${CLI_NAME} keygen --out DIR [--bits ${DEFAULT_RSA_BITS}]

Generates the vendor's RSA signing key pair:
  DIR/${PRIVATE_KEY_FILE}  PKCS#8, mode 0600: signs license keys. Keep it secret, never commit it.
  DIR/${PUBLIC_KEY_FILE}   SPKI: bundle it with your product (publicKey / public_key_path).
DIR is created (mode 0700) when missing; an existing DIR that others can write to is refused.
Existing files are never overwritten.

Options:
  --out DIR     where to write the two files (required)
  --bits N      RSA modulus, ${MIN_RSA_BITS} to ${MAX_RSA_BITS} (default ${DEFAULT_RSA_BITS})
  -h, --help    show this help

Exit status: 0 written, 2 usage error (including files that already exist).`;

export const keygenCommand: CliCommand = {
  name: 'keygen',
  summary: `generate an RSA signing key pair (${PRIVATE_KEY_FILE} mode 0600 + ${PUBLIC_KEY_FILE})`,
  help,
  options: { ...HELP_OPTION, out: { type: 'string', value: 'DIR' }, bits: { type: 'string', value: 'N' } },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    if (args.positionals.length > 0) throw new UsageError('keygen takes no arguments; use --out DIR');
    const dir = resolve(requiredValue(args, 'out', 'DIR'));
    const bitsValue = optionValue(args, 'bits');
    const bits =
      bitsValue === undefined ? DEFAULT_RSA_BITS : parseCount('--bits', bitsValue, MIN_RSA_BITS, MAX_RSA_BITS);
    const privatePath = join(dir, PRIVATE_KEY_FILE);
    const publicPath = join(dir, PUBLIC_KEY_FILE);
    for (const path of [privatePath, publicPath]) {
      if (await exists(path))
        throw new UsageError(`${path} already exists; keygen never overwrites a key (choose another --out)`);
    }
    await makeDirectory(dir);
    // mkdir leaves an existing directory as it is: one that other users can write to (0777, 0775)
    // lets them replace or remove the private key beside its 0600 mode. Refused, not chmod-ed: the
    // directory is the operator's, and tightening it behind their back could break something.
    const dirMode = (await stat(dir)).mode & 0o777;
    if ((dirMode & 0o022) !== 0) {
      throw new UsageError(
        `--out ${dir} is writable by other users (mode ${dirMode.toString(8).padStart(4, '0')}); use a private directory (chmod 700 ${dir})`,
      );
    }

    const pair = await generateLicenseKeyPair(bits);
    await writeNew(privatePath, pair.privateKey, 0o600);
    try {
      await writeNew(publicPath, pair.publicKey, 0o644);
    } catch (error) {
      await unlink(privatePath).catch(() => undefined); // never leave half a pair behind
      throw error;
    }
    io.out(`wrote ${privatePath} (RSA ${bits} bits, mode 0600): signs license keys; keep it secret, never commit it`);
    io.out(`wrote ${publicPath}: bundle it with your product`);
    return ExitCode.ok;
  },
};

/** Creates `path` exclusively (`wx`: fails if it exists) with exactly `mode`, whatever the umask. */
async function writeNew(path: string, content: string, mode: number): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'wx', mode);
  } catch (error) {
    const code = codeOf(error);
    throw new UsageError(
      code === 'EEXIST' ? `${path} already exists; keygen never overwrites a key` : `cannot write ${path}: ${code}`,
    );
  }
  try {
    await handle.chmod(mode);
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Creates `dir` and its missing parents (mode 0700), one level at a time. Not `mkdir(…, {
 * recursive: true })`: where a parent can never be created (`/proc/nope`), Node's recursive mkdir
 * retries forever at full CPU instead of failing.
 */
async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let path = dir; !(await exists(path)); path = dirname(path)) {
    missing.unshift(path);
    if (dirname(path) === path) break;
  }
  for (const path of missing) {
    try {
      await mkdir(path, { mode: 0o700 });
    } catch (error) {
      if (codeOf(error) === 'EEXIST') continue; // created meanwhile: the mode check below still applies
      throw new UsageError(`cannot create --out ${dir}: ${codeOf(error)}`);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}
