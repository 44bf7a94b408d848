import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { isoSeconds, MIN_RSA_BITS } from '@liberty/license/verify';
import {
  CLI_NAME,
  type CliCommand,
  type CliIo,
  ExitCode,
  HELP_OPTION,
  optionValue,
  parseCount,
  type ParsedArgs,
  parseExpiry,
  parseIdList,
  parseText,
  quoted,
  readOptionFile,
  relativeDays,
  requiredValue,
  UsageError,
} from '@liberty/license/cli';

const help = `Usage: ${CLI_NAME} issue --private-key PATH --customer NAME (--audience AUD | --issuer ISS) --expires DATE|Nd [options]

Signs a license key (RS256 JWT) and prints only the key on stdout; a summary goes to stderr.
iat and nbf are set to now, exp from --expires, and jti to a fresh random UUID (the id that
"${CLI_NAME} revoke --jti" lists; the summary on stderr shows it). The claims are checked against the same schema
the verifier applies, so the tool never issues a key the product would reject.

Required:
  --private-key PATH         the vendor's RSA private key (PEM, at least ${MIN_RSA_BITS} bits)
  --customer NAME            customer name shown on the License tab
  --audience AUD             the product the key is for (aud), e.g. liberty; may be left out
                             when --issuer is given (ai.doo keys carry no aud)
  --expires DATE|Nd          an ISO-8601 date (2027-05-19 = 00:00:00 UTC that day), a date-time
                             with a zone (2027-05-19T12:00:00Z), or N days from now (365d)
Optional:
  --issuer ISS               iss                    --sub ID              sub (customer id)
  --edition E                edition                --tier T              tier (ai.doo's edition)
  --instance I               instance
  --connectors a,b           features.connectors    --apps a,b            features.apps
  --users-max N              features.users.max     --seats N             seats (ai.doo)
  --products a,b             products (ai.doo)      --ai-providers a,b    features.ai.providers
  --ai-messages-per-day N    features.ai.messagesPerDay
  --kid KID                  kid header, when the product trusts several keys by kid
  -h, --help                 show this help

An ai.doo key: --issuer aidoo.biz --sub ID --customer NAME --tier professional
  --products pika,vera --seats 10 --expires 365d (no --audience).

--instance binds the key to one install: a product configured with another instance name rejects
it ("instance mismatch"); a key without --instance is a site license, valid on every install.

Ids are 1-64 letters, digits, ".", "_" or "-"; counts are whole numbers from 0 to 1000000000.
Exit status: 0 issued, 2 usage error.`;

const text = (value: string) => ({ type: 'string', value }) as const;

export const issueCommand: CliCommand = {
  name: 'issue',
  summary: 'sign a license key for a customer (prints only the key)',
  help,
  options: {
    ...HELP_OPTION,
    'private-key': text('PATH'),
    customer: text('NAME'),
    audience: text('AUD'),
    expires: text('DATE|Nd'),
    issuer: text('ISS'),
    sub: text('ID'),
    edition: text('E'),
    tier: text('T'),
    instance: text('I'),
    connectors: text('a,b'),
    apps: text('a,b'),
    'users-max': text('N'),
    products: text('a,b'),
    seats: text('N'),
    'ai-providers': text('a,b'),
    'ai-messages-per-day': text('N'),
    kid: text('KID'),
  },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    if (args.positionals.length > 0) throw new UsageError('issue takes no arguments, only options (see --help)');
    const keyPath = requiredValue(args, 'private-key', 'PATH');
    const { FEATURE_ID_PATTERN, validateLicenseClaims } = await import('@liberty/license/verify');
    const { signLicense } = await import('./license-signer.js');
    const { verifyLicenseToken } = await import('@liberty/license/verify');
    const now = new Date();
    const claims = buildClaims(args, now, FEATURE_ID_PATTERN);
    const checked = validateLicenseClaims(claims);
    if (!checked.ok) throw new UsageError(`these claims would be rejected: invalid claims (${checked.detail})`);
    const kid = optionValue(args, 'kid');
    const privateKey = await loadPrivateKey(keyPath);

    const token = await signLicense(claims, {
      privateKey,
      ...(kid !== undefined ? { kid: parseText('--kid', kid) } : {}),
    });
    // The key must pass the very verifier the product runs, with the signer's own public key.
    const self = await verifyLicenseToken(token, {
      keys: { byKid: new Map(), all: [createPublicKey(privateKey)] },
      audience: claims.aud as string | undefined,
      issuer: claims.iss as string | undefined,
      now,
    });
    if (self.status !== 'accepted') throw new Error(`the issued key does not verify (${self.reason}); nothing printed`);

    io.out(token);
    const exp = new Date((claims.exp as number) * 1000);
    io.err(
      `issued for customer=${quoted(claims.customer as string)} ` +
        (claims.aud !== undefined
          ? `audience=${quoted(claims.aud as string)}`
          : `issuer=${quoted(claims.iss as string)}`) +
        ', ' +
        `expires ${isoSeconds(exp)} (${relativeDays(exp, now)}), jti=${claims.jti as string}`,
    );
    return ExitCode.ok;
  },
};

/** The claims, from the flags, each checked with a message naming the flag. */
function buildClaims(args: ParsedArgs, now: Date, idPattern: RegExp): Record<string, unknown> {
  const get = (name: string) => optionValue(args, name);
  const textOf = (name: string) => {
    const value = get(name);
    return value === undefined ? undefined : parseText(`--${name}`, value);
  };
  const listOf = (name: string) => {
    const value = get(name);
    return value === undefined ? undefined : parseIdList(`--${name}`, value, idPattern);
  };
  const countOf = (name: string) => {
    const value = get(name);
    return value === undefined ? undefined : parseCount(`--${name}`, value);
  };

  const customer = parseText('--customer', requiredValue(args, 'customer', 'NAME'));
  const issuer = textOf('issuer');
  // A key bound to neither a product (aud) nor a vendor (iss) would fit any product of the signer.
  const audienceFlag = get('audience');
  if (audienceFlag === undefined && issuer === undefined) {
    throw new UsageError(
      'option --audience AUD is required (or --issuer ISS for an issuer-bound key without aud, as ai.doo issues)',
    );
  }
  const audience = audienceFlag === undefined ? undefined : parseText('--audience', audienceFlag);
  const exp = parseExpiry(requiredValue(args, 'expires', 'DATE|Nd'), now);
  const iat = Math.floor(now.getTime() / 1000);

  const users = countOf('users-max');
  const providers = listOf('ai-providers');
  const perDay = countOf('ai-messages-per-day');
  const features = compact({
    connectors: listOf('connectors'),
    apps: listOf('apps'),
    users: users !== undefined ? { max: users } : undefined,
    ai: providers !== undefined || perDay !== undefined ? compact({ providers, messagesPerDay: perDay }) : undefined,
  });
  return compact({
    iss: issuer,
    aud: audience,
    sub: textOf('sub'),
    // A unique id per key, so a key can be revoked (revocation lists name keys by jti).
    jti: randomUUID(),
    iat,
    nbf: iat,
    exp,
    customer,
    edition: textOf('edition'),
    tier: textOf('tier'),
    instance: textOf('instance'),
    features: Object.keys(features).length > 0 ? features : undefined,
    products: listOf('products'),
    seats: countOf('seats'),
  });
}

function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** An unencrypted RSA private key of at least 2048 bits, or a usage error saying what is wrong. */
export async function loadPrivateKey(path: string): Promise<KeyObject> {
  const pem = await readOptionFile('--private-key', path);
  if (/-----BEGIN ENCRYPTED PRIVATE\x20KEY-----|^Proc-Type: 4,ENCRYPTED/m.test(pem)) {
    throw new UsageError(`--private-key ${path} is encrypted; give an unencrypted PEM key (and keep the file safe)`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new UsageError(`--private-key ${path} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new UsageError(
      `--private-key ${path} is not an RSA key (${key.asymmetricKeyType ?? 'unknown'}); license keys are RS256`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new UsageError(`--private-key ${path} is an RSA key of ${bits} bits; at least ${MIN_RSA_BITS} required`);
  }
  return key;
}
