import { readLicenseKey } from '../key-stores/environment-key.store.js';
import { DEFAULT_LICENSE_KEY_VARIABLE } from './cli.constants.js';
import { optionValue, UsageError, type ParsedArgs } from './args.parser.js';
import type { CliIo } from './output.util.js';

/** Read at most this much of stdin; the verifier refuses anything over 8 KiB as malformed anyway. */
const STDIN_LIMIT = 64 * 1024;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The token to work on: the TOKEN argument, `-` (standard input), or the variable `--env NAME`
 * (default `LIBERTY_LICENSE_KEY`; `NAME_FILE` works as in the module). Surrounding whitespace —
 * the newline `echo` or an editor leaves — is trimmed, exactly as the module trims its variable,
 * so the CLI and the product accept the same keys.
 */
export async function readTokenInput(args: ParsedArgs, io: CliIo): Promise<string> {
  const envName = optionValue(args, 'env');
  if (args.positionals.length > 1) throw new UsageError('expected one TOKEN argument (or - for stdin), got several');
  const [positional] = args.positionals;
  if (positional !== undefined && envName !== undefined) {
    throw new UsageError('give the token as TOKEN, - or --env NAME, not both');
  }
  if (positional === '-') {
    const text = (await io.readStdin(STDIN_LIMIT)).trim();
    if (text === '') throw new UsageError('no token on standard input');
    return text;
  }
  if (positional !== undefined) {
    const text = positional.trim();
    if (text === '') throw new UsageError('the TOKEN argument is empty');
    return text;
  }
  const name = envName ?? DEFAULT_LICENSE_KEY_VARIABLE;
  if (!VARIABLE_NAME.test(name))
    throw new UsageError('option --env must be a variable name such as LIBERTY_LICENSE_KEY');
  const read = await readLicenseKey({ get: <T>(key: string) => io.env[key] as T | undefined }, name);
  if (read.kind === 'unset') {
    if (read.why) throw new UsageError(read.why);
    throw new UsageError(`no token: ${name} (or ${name}_FILE) is not set; pass TOKEN, - for stdin, or --env NAME`);
  }
  if (read.kind === 'unreadable') throw new UsageError(read.why);
  return read.token;
}
