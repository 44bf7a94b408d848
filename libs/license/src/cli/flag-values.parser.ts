import { UsageError } from './args.parser.js';

const DAY_SECONDS = 86_400;
/** The largest count a claim may carry (the claim schema's bound). */
export const MAX_COUNT = 1_000_000_000;
/** 9999-12-31T23:59:59Z: the last instant a numeric date claim may name. */
const MAX_SECONDS = 253_402_300_799;

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2})))?$/;

/**
 * An ISO-8601 instant: `2026-05-19` (00:00:00 UTC that day) or a date-time with `Z` or an
 * offset (`2026-05-19T12:00:00Z`, `2026-05-19T14:00+02:00`). A date-time without a zone is
 * ambiguous and refused, as is anything that is not a real calendar date.
 */
export function parseInstant(flag: string, value: string): Date {
  const bad = () =>
    new UsageError(
      `option ${flag} must be an ISO-8601 date or date-time with a zone, e.g. 2026-05-19 or 2026-05-19T12:00:00Z`,
    );
  const m = ISO_8601.exec(value);
  if (!m) throw bad();
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone, sign, oh = '0', om = '0'] = m;
  if (m[4] !== undefined && zone === undefined) throw bad();
  const parts = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)];
  const [year, month, day, hour, minute, second] = parts;
  if (hour > 23 || minute > 59 || second > 59 || Number(oh) > 23 || Number(om) > 59) throw bad();
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  at.setUTCHours(hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3)));
  if (at.getUTCFullYear() !== year || at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) throw bad();
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  return new Date(at.getTime() - offsetMinutes * 60_000);
}

/**
 * `--expires`: `Nd` (N whole days from `now`) or an ISO-8601 date / date-time (a bare date is
 * 00:00:00 UTC of that day). Returns `exp` in seconds; it must lie in the future.
 */
export function parseExpiry(value: string, now: Date): number {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const days = /^(\d{1,7})d$/.exec(value);
  let exp: number;
  if (days) {
    const n = Number(days[1]);
    if (n < 1) throw new UsageError('option --expires must be at least 1d');
    exp = nowSeconds + n * DAY_SECONDS;
  } else if (/^\d/.test(value)) {
    try {
      exp = Math.floor(parseInstant('--expires', value).getTime() / 1000);
    } catch {
      throw expiresUsage();
    }
  } else {
    throw expiresUsage();
  }
  if (exp <= nowSeconds) throw new UsageError('option --expires is not in the future');
  if (exp > MAX_SECONDS) throw new UsageError('option --expires is after 9999-12-31');
  return exp;
}

function expiresUsage(): UsageError {
  return new UsageError('option --expires must be Nd (days from now, e.g. 365d) or an ISO-8601 date, e.g. 2027-05-19');
}

/** A whole number from `min` to `max`, digits only (no sign, exponent or fraction). */
export function parseCount(flag: string, value: string, min = 0, max = MAX_COUNT): number {
  const n = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`option ${flag} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

/**
 * A comma-separated list of feature ids (`sap,snowflake`; spaces around commas are ignored).
 * Each id must match `pattern` (the claim schema's `FEATURE_ID_PATTERN`); empty entries and
 * duplicates are refused.
 */
export function parseIdList(flag: string, value: string, pattern: RegExp): string[] {
  const ids = value.split(',').map((id) => id.trim());
  const seen = new Set<string>();
  for (const id of ids) {
    if (id === '') throw new UsageError(`option ${flag} has an empty id (expected a,b,c)`);
    if (!pattern.test(id)) {
      throw new UsageError(
        `option ${flag}: ${JSON.stringify(id.slice(0, 70))} is not an id (1-64 letters, digits, ".", "_" or "-", starting with a letter or digit)`,
      );
    }
    if (seen.has(id)) throw new UsageError(`option ${flag} lists ${id} twice`);
    seen.add(id);
  }
  return ids;
}

/** A non-empty text claim (customer, edition, …): at most 200 characters, no control characters. */
export function parseText(flag: string, value: string, max = 200): string {
  if (value.trim() === '') throw new UsageError(`option ${flag} must not be blank`);
  if (value.length > max) throw new UsageError(`option ${flag} is longer than ${max} characters`);
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) throw new UsageError(`option ${flag} contains control characters`);
  return value;
}
