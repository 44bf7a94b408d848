import { humanDate, timeLeft, userCapLevel, type UserCapLevel } from '@liberty/license/status';
import { type LicenseState } from '@liberty/license';

export { humanDate, timeLeft };

/**
 * What the screens say about the license, decided in one place: the status area's headline, the
 * colour (tone) of the status, the expiry chip, the entitlement and replica dots and the seat bar,
 * the banner's severity, and what to do next. The pages only display it.
 */
export type LicenseConditionKey =
  | 'not-configured'
  | 'accepted'
  | 'warning'
  | 'critical'
  | 'grace'
  | 'expired'
  | 'rejected'
  | 'cap-reached'
  | 'over-cap';

/** `ok` is the only "working" green; `neutral` is grey (nothing licensed is in use). */
export type LicenseTone = 'ok' | 'warning' | 'critical' | 'neutral';

export interface LicenseCondition {
  key: LicenseConditionKey;
  tone: LicenseTone;
  /** A short status next to the status label ("User cap reached", "Over the user cap", "Expires soon", "Grace period"); `''` when none. */
  badge: string;
  /** The status area's second line, e.g. "User cap reached — 10 of 10 users". Empty when nothing to add. */
  summary: string;
  /** Whether licensed features work now (accepted, grace included): only then are dots green. */
  working: boolean;
  /** The expiry chip; `null` without a verified expiry date. */
  expiry: { tone: LicenseTone; text: string } | null;
  /** What to do next, without naming an action the page may not offer; `null` when nothing is to be done. */
  recovery: string | null;
}

/**
 * The seat bar's colour: the user-cap scale (DESIGN 4) while the license works, `over` above the cap,
 * `inactive` (grey) when the license is not accepted. `null` without a cap.
 */
export type SeatMeterLevel = UserCapLevel | 'over' | 'inactive';

export function seatMeter(count: number | null, max: number | null, working: boolean): SeatMeterLevel | null {
  if (max === null || count === null) return null;
  if (!working) return 'inactive';
  if (count > max) return 'over';
  return userCapLevel(max === 0 ? 100 : (count / max) * 100);
}

/** Where the key is read from, shown on the License page. */
export interface LicenseKeySource {
  kind: 'variable' | 'file' | 'database';
  /** The variable's name (`LIBERTY_LICENSE_KEY`, `LIBERTY_LICENSE_KEY_FILE`), or `database`. */
  name: string;
}

export interface LicenseConditionInput {
  now?: Date;
  /** Enabled users now, and the license's cap (`null`: none). */
  userCount?: number | null;
  userCap?: number | null;
  keySource: LicenseKeySource;
}

const DAY_MS = 86_400_000;

/** The seed's recovery column (and the same care for the reasons it does not list), by reason. */
export function recoveryFor(reason: string): string {
  if (reason === 'signature invalid') {
    return 'Re-check the key: it was changed or signed by another authority. If a partner signing authority issued it, set Public key path (Settings › Framework › License) to its public key.';
  }
  if (reason.startsWith('expired (')) return 'Install a renewed key.';
  if (reason === 'audience mismatch')
    return 'The key was issued for another product: confirm the vendor sent a Liberty key.';
  if (reason === 'malformed')
    return 'The key is not a valid license key (extra whitespace or truncated): copy it again from the source, verbatim.';
  if (reason.startsWith('not yet valid ('))
    return "The key is not valid yet: check this server's clock, or wait until the date shown.";
  if (reason === 'issuer mismatch')
    return 'The key was signed by another vendor than the one configured: ask your vendor for a key for this install.';
  if (reason.startsWith('unsupported algorithm ('))
    return 'Only RS256-signed keys are accepted: ask the vendor for a new key.';
  if (reason.startsWith('public key unavailable (')) {
    return 'Check Public key path (Settings › Framework › License): it must name an RSA public key file (PEM, 2048 bits or more).';
  }
  if (reason.startsWith('invalid claims ('))
    return 'The key is signed but its content is not valid: ask the vendor for a new key.';
  if (reason === 'instance mismatch')
    return 'The key is bound to another install: ask the vendor for a key for this instance.';
  if (reason === 'revoked') return 'The vendor revoked this key: ask the vendor for a new one.';
  return 'Ask the vendor for a new key.';
}

function installHint(source: LicenseKeySource): string {
  if (source.kind === 'database') return 'Paste the license key you received in “Activate a license key”.';
  const variable = source.kind === 'file' ? source.name.replace(/_FILE$/, '') : source.name;
  return `Put the license key in the environment variable ${variable} (or the path of a file holding it in ${variable}_FILE) on every host running the app.`;
}

/** The one decision behind every colour and status text of the screens (see the type). */
export function licenseCondition(state: LicenseState, input: LicenseConditionInput): LicenseCondition {
  const now = input.now ?? new Date();
  const expiresAt = state.expiresAt;
  const date = expiresAt ? humanDate(expiresAt) : '';
  const count = input.userCount ?? null;
  const cap = input.userCap ?? null;

  if (state.status === 'not-configured') {
    return {
      key: 'not-configured',
      tone: 'neutral',
      badge: '',
      summary: 'No license key is installed: the open features work; licensed ones are off.',
      working: false,
      expiry: null,
      recovery: installHint(input.keySource),
    };
  }
  if (state.status === 'rejected') {
    const reason = state.reason ?? '';
    const expired = reason.startsWith('expired (');
    return {
      key: expired ? 'expired' : 'rejected',
      tone: 'critical',
      badge: '',
      summary: expired
        ? `The license expired on ${date}: licensed features are off.`
        : 'The key was not accepted: licensed features are off.',
      working: false,
      // A rejected key's dates are not a countdown: a neutral chip, never a green "days left".
      expiry: expiresAt ? { tone: expired ? 'critical' : 'neutral', text: expired ? `Expired ${date}` : date } : null,
      recovery: recoveryFor(reason),
    };
  }
  if (state.grace && expiresAt) {
    const until = humanDate(state.grace.endsAt);
    return {
      key: 'grace',
      tone: 'critical',
      badge: 'Grace period',
      summary: `Expired on ${date} — licensed features keep working until ${until} (grace period).`,
      working: true,
      expiry: { tone: 'critical', text: `Expired ${date} · grace until ${until}` },
      recovery: 'Install a renewed key before the grace period ends.',
    };
  }
  const msLeft = expiresAt ? expiresAt.getTime() - now.getTime() : Number.POSITIVE_INFINITY;
  const expiryTone: LicenseTone = msLeft <= 7 * DAY_MS ? 'critical' : msLeft <= 30 * DAY_MS ? 'warning' : 'ok';
  const expiry = expiresAt ? { tone: expiryTone, text: `${date} · ${timeLeft(msLeft)}` } : null;
  if (cap !== null && count !== null && count > cap) {
    return {
      key: 'over-cap',
      tone: 'critical',
      badge: 'Over the user cap',
      summary: `Over the user cap — ${count} users are enabled, the license allows ${cap}. New users and re-enabled users are refused.`,
      working: true,
      expiry,
      recovery: `Disable ${count - cap} ${count - cap === 1 ? 'user' : 'users'}, or request a larger cap.`,
    };
  }
  if (cap !== null && count !== null && count >= cap) {
    return {
      key: 'cap-reached',
      tone: 'warning',
      badge: 'User cap reached',
      summary: `User cap reached — ${count} of ${cap} users. New users and re-enabled users are refused.`,
      working: true,
      expiry,
      recovery: 'Request a larger cap, or disable inactive users.',
    };
  }
  if (expiresAt && expiryTone !== 'ok') {
    return {
      key: expiryTone === 'critical' ? 'critical' : 'warning',
      tone: expiryTone,
      badge: 'Expires soon',
      summary: `The license expires on ${date} (${timeLeft(msLeft)}).`,
      working: true,
      expiry,
      recovery: 'Request the renewal key from the vendor and install it before that date.',
    };
  }
  return { key: 'accepted', tone: 'ok', badge: '', summary: '', working: true, expiry, recovery: null };
}
