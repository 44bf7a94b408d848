import type { LicenseClaims } from '../verification/license-claims.validator.js';
import type { LicenseVerification } from '../verification/license.verifier.js';
import { publicKeySet, type PublicKeySet } from '../verification/public-keys.loader.js';
import { isoSeconds, RejectionReason } from '../verification/rejection-reasons.util.js';
import { daysLeft } from '../state/license-expiry.util.js';
import { optionValue, UsageError, type ParsedArgs } from './args.parser.js';
import { CLI_NAME, DEFAULT_LICENSE_KEY_VARIABLE, HELP_OPTION, PUBLIC_KEY_PATH_VARIABLE } from './cli.constants.js';
import type { CliCommand } from './cli-command.interface.js';
import { parseCount, parseInstant, parseText } from './flag-values.parser.js';
import { MAX_GRACE_DAYS } from '../license.constants.js';
import { ExitCode, idList, quoted, relativeDays, safeJson, type CliIo } from './output.util.js';
import { readOptionFile } from './option-file.reader.js';
import { readTokenInput } from './token-input.reader.js';
import { readRevocationListFile } from './revocation-list-file.reader.js';

const help = `Usage: ${CLI_NAME} verify [TOKEN|-] [options]

Verifies a license key offline, with the same verifier (same reasons, same strictness) as the
NestJS module. The key comes from TOKEN, from standard input (-), or from the variable --env NAME
(default ${DEFAULT_LICENSE_KEY_VARIABLE}, or the file named by ${DEFAULT_LICENSE_KEY_VARIABLE}_FILE).

Options:
  --public-key PATH   the vendor's public key (PEM); default: $${PUBLIC_KEY_PATH_VARIABLE}
  --audience AUD      required aud claim (not checked when omitted; a note says so on stderr
                      unless --issuer is given: ai.doo keys are bound by iss and carry no aud)
  --issuer ISS        accepted iss values; repeat the option or separate with commas
  --instance NAME     this install's name: a key bound to another instance is rejected
                      "instance mismatch" (a key without an instance claim fits every install)
  --grace-days N      accept a key up to N days after its exp, as the module's graceDays does
  --revocation-list PATH
                      the vendor's signed revocation list: a listed key is rejected "revoked"
                      (a list that does not verify is a usage error)
  --env NAME          read the key from this variable (default ${DEFAULT_LICENSE_KEY_VARIABLE})
  --at ISO-8601       verify as of this instant instead of now (e.g. to check a renewal)
  --json              print the status object as JSON
  -h, --help          show this help

Exit status: 0 accepted, 1 rejected, 2 usage error. The key itself is never printed.`;

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'verify a license key offline and print what it grants',
  help,
  options: {
    ...HELP_OPTION,
    env: { type: 'string', value: 'NAME' },
    'public-key': { type: 'string', value: 'PATH' },
    audience: { type: 'string', value: 'AUD' },
    issuer: { type: 'string', multiple: true, value: 'ISS' },
    at: { type: 'string', value: 'ISO-8601' },
    instance: { type: 'string', value: 'NAME' },
    'revocation-list': { type: 'string', value: 'PATH' },
    'grace-days': { type: 'string', value: 'N' },
    json: { type: 'boolean' },
  },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const at = optionValue(args, 'at');
    const now = at === undefined ? new Date() : parseInstant('--at', at);
    const audience = optionValue(args, 'audience');
    const issuer = issuers(args);
    const instanceFlag = optionValue(args, 'instance');
    const instance = instanceFlag === undefined ? undefined : parseText('--instance', instanceFlag);
    const graceFlag = optionValue(args, 'grace-days');
    const graceDays = graceFlag === undefined ? 0 : parseCount('--grace-days', graceFlag, 0, MAX_GRACE_DAYS);
    const pem = await readPublicKey(args, io);
    const token = await readTokenInput(args, io);

    // Loaded here, not at start-up: help and usage errors stay fast (class-validator is heavy).
    const { verifyLicenseToken } = await import('../verification/license.verifier.js');
    const keys = publicKeySet([[undefined, pem]]);
    const revoked = keys.ok ? await revocationList(args, keys.keys, issuer, now) : undefined;
    const verification: LicenseVerification = keys.ok
      ? await verifyLicenseToken(token, {
          keys: keys.keys,
          audience,
          issuer,
          instance,
          revoked,
          graceSeconds: graceDays * 86_400,
          now,
        })
      : { status: 'rejected', reason: RejectionReason.publicKeyUnavailable(keys.why) };

    // Issuer-bound keys (ai.doo) carry no aud: checking iss alone is the intended setup, not an omission.
    if (audience === undefined && issuer === undefined)
      io.err('note: --audience not given; the aud claim was not checked');
    if (at !== undefined) io.err(`note: verified as of ${isoSeconds(now)} (--at), not now`);
    if (args.flags.has('json')) io.out(safeJson(statusObject(verification, now), 2));
    else for (const line of describe(verification, now)) io.out(line);
    return verification.status === 'accepted' ? ExitCode.ok : ExitCode.rejected;
  },
};

/** `--issuer a --issuer b,c` → `[a, b, c]`; `undefined` when not given (iss not checked). */
function issuers(args: ParsedArgs): string[] | undefined {
  const given = args.strings.get('issuer');
  if (!given) return undefined;
  const list = given.flatMap((value) => value.split(',').map((iss) => iss.trim()));
  if (list.some((iss) => iss === '')) throw new UsageError('option --issuer has an empty value (expected ISS or a,b)');
  return list;
}

/** `--revocation-list PATH`: the verified list's jti values; a list that does not verify is a usage error. */
async function revocationList(
  args: ParsedArgs,
  keys: PublicKeySet,
  issuer: string[] | undefined,
  now: Date,
): Promise<ReadonlySet<string> | undefined> {
  const path = optionValue(args, 'revocation-list');
  if (path === undefined) return undefined;
  const text = await readRevocationListFile('--revocation-list', path);
  const { verifyRevocationList } = await import('../revocation/revocation-list.verifier.js');
  const outcome = await verifyRevocationList(text, { keys, issuer, now });
  if (!outcome.ok) throw new UsageError(`--revocation-list ${path} rejected (${outcome.why})`);
  return outcome.list.revoked;
}

async function readPublicKey(args: ParsedArgs, io: CliIo): Promise<string> {
  const flag = optionValue(args, 'public-key');
  if (flag !== undefined) return readOptionFile('--public-key', flag);
  const fromEnv = io.env[PUBLIC_KEY_PATH_VARIABLE]?.trim();
  if (fromEnv) return readOptionFile(`$${PUBLIC_KEY_PATH_VARIABLE}`, fromEnv);
  throw new UsageError(`no public key: pass --public-key PATH or set ${PUBLIC_KEY_PATH_VARIABLE}`);
}

/** The text report: the five documented lines, then any other grants. */
function describe(verification: LicenseVerification, now: Date): string[] {
  if (verification.status === 'rejected') {
    const lines = [`license rejected — reason="${verification.reason}"`];
    // A key whose signature verified (expired, say) still shows whose it is and when it ended.
    if (verification.claims) lines.push(...identity(verification.claims, now));
    return lines;
  }
  const c = verification.claims;
  const f = c.features;
  return [
    'license accepted',
    ...identity(c, now),
    `features.connectors: ${idList(f?.connectors)}`,
    `features.apps: ${idList(f?.apps)}`,
    ...(verification.grace
      ? [`grace: expired, accepted until ${isoSeconds(verification.grace.endsAt)} (--grace-days)`]
      : []),
    ...(c.instance !== undefined ? [`instance=${quoted(c.instance)}`] : []),
    ...(c.products !== undefined ? [`products: ${idList(c.products)}`] : []),
    ...(c.seats !== undefined ? [`seats: ${c.seats}`] : []),
    ...(f?.users?.max !== undefined ? [`features.users.max: ${f.users.max}`] : []),
    ...(f?.ai?.providers !== undefined ? [`features.ai.providers: ${idList(f.ai.providers)}`] : []),
    ...(f?.ai?.messagesPerDay !== undefined ? [`features.ai.messagesPerDay: ${f.ai.messagesPerDay}`] : []),
  ];
}

function identity(claims: LicenseClaims, now: Date): string[] {
  const exp = new Date(claims.exp * 1000);
  return [
    `customer=${quoted(claims.customer)}` +
      ((claims.edition ?? claims.tier) ? ` edition=${quoted((claims.edition ?? claims.tier)!)}` : ''),
    `expires=${isoSeconds(exp)} (${relativeDays(exp, now)})`,
  ];
}

/** `--json`: the outcome and the verified claims; never the key itself. */
function statusObject(verification: LicenseVerification, now: Date) {
  const claims = verification.claims ?? null;
  const exp = claims ? new Date(claims.exp * 1000) : null;
  return {
    status: verification.status,
    reason: verification.status === 'rejected' ? verification.reason : null,
    verifiedAt: isoSeconds(now),
    expiresAt: exp ? isoSeconds(exp) : null,
    expiresInDays: exp ? daysLeft(exp, now) : null,
    ...(verification.status === 'accepted' && verification.grace
      ? { graceEndsAt: isoSeconds(verification.grace.endsAt) }
      : {}),
    claims,
  };
}
