/**
 * The exact rejection reason strings. One place builds them all, so the
 * service, the CLI and the tests agree to the character.
 */
export const RejectionReason = {
  malformed: 'malformed',
  unsupportedAlgorithm: (alg: string) => `unsupported algorithm (${alg})`,
  publicKeyUnavailable: (why: string) => `public key unavailable (${why})`,
  signatureInvalid: 'signature invalid',
  expired: (at: Date) => `expired (${utcDate(at)})`,
  notYetValid: (at: Date) => `not yet valid (${utcDate(at)})`,
  audienceMismatch: 'audience mismatch',
  issuerMismatch: 'issuer mismatch',
  invalidClaims: (detail: string) => `invalid claims (${detail})`,
  /** The key is bound (`instance` claim) to another install than the configured `instance`. */
  instanceMismatch: 'instance mismatch',
  /** The key's `jti` is listed in the vendor's signed revocation list. */
  revoked: 'revoked',
} as const;

/**
 * A rejection reason fit for public answers (`/health`, a 403 `LICENSE_REQUIRED` body, a banner any
 * user sees): the category without the detail that names where things live —
 * `public key unavailable (cannot read /etc/app/public.pem: ENOENT)` → `public key unavailable`.
 * Other reasons name no path and are kept. The full reason stays in the log and in the license
 * status an administrator reads (`license:read` in the sample app).
 */
export function publicReason(reason: string): string;
export function publicReason(reason: string | undefined): string | undefined;
export function publicReason(reason: string | undefined): string | undefined {
  return reason?.startsWith('public key unavailable') ? 'public key unavailable' : reason;
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** `2026-05-19T00:00:00Z`: ISO 8601 in UTC without milliseconds. */
export function isoSeconds(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Characters shown escaped: `"` and `\` (so a value cannot close its quotes or fake an escape),
 * and everything outside printable ASCII — control characters (new lines, terminal escapes), bidi
 * overrides, zero-width characters, BOM, and look-alikes such as `ＲＳ256` for `RS256`.
 */
const UNSAFE = /[^\x20-\x7e]|["\\]/g;

/**
 * A value made safe to put between double quotes in a log line or a reason: `"` → `\"`,
 * `\` → `\\`, any other character outside printable ASCII → `\uXXXX` (as in JSON, so nothing is
 * lost: `Müller` → `M\u00fcller`). Longer than `max` characters, it is cut and ends with `…`.
 * Non-strings are shown as JSON. Every value interpolated into a log line goes through it, so a
 * line keeps exactly its fields.
 */
export function printable(value: unknown, max = 32): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const cut = text.length > max ? text.slice(0, max) : text;
  const clean = cut.replace(UNSAFE, (c) =>
    c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return cut === text ? clean : `${clean}…`;
}
