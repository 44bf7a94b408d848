import { createPublicKey, randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isoSeconds } from '@liberty/license/verify';
import {
  CLI_NAME,
  type CliCommand,
  type CliIo,
  ExitCode,
  HELP_OPTION,
  optionValue,
  type ParsedArgs,
  parseText,
  readRevocationListFile,
  requiredValue,
  UsageError,
} from '@liberty/license/cli';
import { loadPrivateKey } from './issue.command.js';

const help = `Usage: ${CLI_NAME} revoke --private-key PATH --jti ID [--jti ID…] [--list existing.jwt] [--issuer ISS] [--out PATH]

Writes a signed revocation list: an RS256 JWT { iss, iat, revoked: [jti…] } signed with the
vendor's key (the one that signs the licenses). Products configured with revocationListPath
reject every listed key ("revoked"). Publish the whole list each time: it replaces the previous one.

Options:
  --private-key PATH   the vendor's RSA private key (PEM), the same one that signs licenses
  --jti ID             the jti of a key to revoke ("${CLI_NAME} issue" prints it); repeat the
                       option or separate with commas
  --list PATH          the list published so far: it is verified with the same key, and its
                       entries (and iss) are carried over
  --issuer ISS         iss of the list (default: the existing list's); set it when the product
                       checks the issuer
  --out PATH           write the list to this file (atomically) instead of standard output
  -h, --help           show this help

The new list's iat is now (later than the existing list's), so products take it over the old one.
Exit status: 0 written, 1 the existing list does not verify, 2 usage error.`;

const text = (value: string) => ({ type: 'string', value }) as const;

export const revokeCommand: CliCommand = {
  name: 'revoke',
  summary: 'write a signed revocation list (revoke keys by jti)',
  help,
  options: {
    ...HELP_OPTION,
    'private-key': text('PATH'),
    jti: { type: 'string', multiple: true, value: 'ID' },
    list: text('PATH'),
    issuer: text('ISS'),
    out: text('PATH'),
  },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    if (args.positionals.length > 0) throw new UsageError('revoke takes no arguments, only options (see --help)');
    const keyPath = requiredValue(args, 'private-key', 'PATH');
    const jtis = jtiValues(args);
    const issuerFlag = optionValue(args, 'issuer');
    const issuer = issuerFlag === undefined ? undefined : parseText('--issuer', issuerFlag);
    const listPath = optionValue(args, 'list');
    const out = optionValue(args, 'out');

    const privateKey = await loadPrivateKey(keyPath);
    const keys = { byKid: new Map(), all: [createPublicKey(privateKey)] };
    const { verifyRevocationList, MAX_REVOKED_KEYS } = await import('@liberty/license/verify');
    const { signLicense } = await import('./license-signer.js');
    const now = new Date();

    let previous: { iss?: string; iat: number; revoked: ReadonlySet<string> } | undefined;
    if (listPath !== undefined) {
      const outcome = await verifyRevocationList(await readRevocationListFile('--list', listPath), { keys, now });
      if (!outcome.ok) {
        io.err(`${CLI_NAME} revoke: --list ${listPath} rejected (${outcome.why}); nothing written`);
        return ExitCode.rejected;
      }
      previous = outcome.list;
    }
    const revoked = [...new Set([...(previous?.revoked ?? []), ...jtis])].sort();
    if (revoked.length > MAX_REVOKED_KEYS) throw new UsageError(`a list holds at most ${MAX_REVOKED_KEYS} jti values`);
    // Strictly later than the list it replaces: products ignore an older list.
    const iat = Math.max(Math.floor(now.getTime() / 1000), (previous?.iat ?? 0) + 1);
    const iss = issuer ?? previous?.iss;
    const claims = { ...(iss !== undefined ? { iss } : {}), iat, revoked };
    const token = await signLicense(claims, { privateKey });

    // The list must pass the very check the product runs (with a little room for iat = old + 1).
    const self = await verifyRevocationList(token, { keys, now: new Date((iat + 1) * 1000) });
    if (!self.ok) throw new Error(`the new list does not verify (${self.why}); nothing written`);

    if (out === undefined) io.out(token);
    else await writeAtomically(out, `${token}\n`);
    const added = revoked.length - (previous?.revoked.size ?? 0);
    io.err(
      `revocation list: ${revoked.length} revoked jti (${added} new), iat=${isoSeconds(new Date(iat * 1000))}` +
        (out !== undefined ? `, written to ${out}` : ''),
    );
    return ExitCode.ok;
  },
};

/** `--jti a --jti b,c` → `[a, b, c]`, each 1–200 printable characters. */
function jtiValues(args: ParsedArgs): string[] {
  const given = args.strings.get('jti');
  if (!given) throw new UsageError('option --jti ID is required (the jti of the key to revoke)');
  const ids = given.flatMap((value) => value.split(',').map((id) => id.trim()));
  for (const id of ids) {
    if (!/^[\x21-\x7e]{1,200}$/.test(id))
      throw new UsageError('option --jti takes ids of 1-200 printable characters, without spaces');
  }
  return ids;
}

/** A temp file in the same directory, then rename: readers see the old list or the new one, never half. */
async function writeAtomically(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? 'write error';
    throw new UsageError(`cannot write --out ${path}: ${code}`);
  }
}
