/**
 * The exact rejection reason strings of DESIGN.md section 4. One place builds them all, so the
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

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** `2026-05-19T00:00:00Z`: ISO 8601 in UTC without milliseconds. */
export function isoSeconds(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A value taken from an untrusted token, made safe to put in a reason or a log line: printable
 * ASCII only, and short.
 */
export function printable(value: unknown, max = 32): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
