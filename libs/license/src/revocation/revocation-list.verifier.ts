import { errors, jwtVerify, type JWTPayload } from 'jose';
import { parseCompactJws } from '../verification/compact-jws.parser.js';
import { candidateKeys, clampTolerance } from '../verification/license.verifier.js';
import type { PublicKeySet } from '../verification/public-keys.loader.js';
import { printable } from '../verification/rejection-reasons.util.js';

/** Largest revocation list accepted (file and token): ~30 000 revoked keys. */
export const MAX_REVOCATION_LIST_BYTES = 1024 * 1024;
/** Most `jti` values one list may carry. */
export const MAX_REVOKED_KEYS = 50_000;
/** A `jti` as `issue` writes it (a UUID) or as another tool might: 1–200 printable ASCII characters. */
export const JTI_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** A verified revocation list: the vendor's signed `{ iss, iat, revoked: [jti…] }`. */
export interface RevocationList {
  readonly iss?: string;
  /** Seconds since the epoch: a list is replaced only by one with an `iat` at least as late. */
  readonly iat: number;
  readonly revoked: ReadonlySet<string>;
}

export type RevocationListOutcome = { ok: true; list: RevocationList } | { ok: false; why: string };

export interface VerifyRevocationListOptions {
  keys: PublicKeySet;
  /** Accepted `iss` values, as for keys. Not checked when undefined. */
  issuer?: string | readonly string[];
  clockToleranceSeconds?: number;
  now?: Date;
}

/**
 * Verifies a revocation list with the same strictness as a license key: canonical compact JWS,
 * RS256 only, the vendor's key (by `kid` when named), `iss` when configured, `iat` required and not
 * in the future, `exp` honoured when present; then `revoked` must be an array of `jti` strings.
 * Nothing from the payload is read before the signature verifies. Never throws.
 */
export async function verifyRevocationList(
  token: unknown,
  options: VerifyRevocationListOptions,
): Promise<RevocationListOutcome> {
  const jws = parseCompactJws(token, MAX_REVOCATION_LIST_BYTES);
  if (!jws) return { ok: false, why: 'malformed' };
  const { alg, kid } = jws.header;
  if (alg !== 'RS256') return { ok: false, why: `unsupported algorithm (${printable(alg)})` };
  if (kid !== undefined && typeof kid !== 'string') return { ok: false, why: 'malformed' };
  const now = options.now ?? new Date();
  const tolerance = clampTolerance(options.clockToleranceSeconds);
  let failure = 'signature invalid';
  for (const key of candidateKeys(options.keys, kid)) {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token as string, key, {
        algorithms: ['RS256'],
        issuer: options.issuer as string | string[] | undefined,
        requiredClaims: ['iat'],
        clockTolerance: tolerance,
        currentDate: now,
      }));
    } catch (error) {
      failure = classify(error);
      if (failure === 'signature invalid') continue;
      return { ok: false, why: failure };
    }
    return checkClaims(payload, now, tolerance);
  }
  return { ok: false, why: failure };
}

function checkClaims(payload: Record<string, unknown>, now: Date, tolerance: number): RevocationListOutcome {
  const iat = payload.iat;
  if (typeof iat !== 'number' || !Number.isSafeInteger(iat) || iat < 0) {
    return { ok: false, why: 'invalid claims (iat: must be a whole number of seconds)' };
  }
  if (iat > now.getTime() / 1000 + tolerance) return { ok: false, why: 'not yet valid (iat in the future)' };
  const revoked = payload.revoked;
  if (!Array.isArray(revoked)) return { ok: false, why: 'invalid claims (revoked: must be an array of jti strings)' };
  if (revoked.length > MAX_REVOKED_KEYS) {
    return { ok: false, why: `invalid claims (revoked: more than ${MAX_REVOKED_KEYS} entries)` };
  }
  if (!revoked.every((jti) => typeof jti === 'string' && JTI_PATTERN.test(jti))) {
    return { ok: false, why: 'invalid claims (revoked: each jti must be 1-200 printable characters)' };
  }
  const iss = payload.iss;
  return {
    ok: true,
    list: Object.freeze({
      ...(typeof iss === 'string' ? { iss } : {}),
      iat,
      revoked: Object.freeze(new Set(revoked as string[])),
    }),
  };
}

/** jose's error, by `code` and `claim`, as a short reason (never its message text). */
function classify(error: unknown): string {
  const { code, claim } = (error ?? {}) as { code?: unknown; claim?: unknown };
  switch (code) {
    case errors.JWSSignatureVerificationFailed.code:
      return 'signature invalid';
    case errors.JWTExpired.code:
      return 'expired';
    case errors.JWTClaimValidationFailed.code:
      if (claim === 'iss') return 'issuer mismatch';
      if (claim === 'iat') return 'invalid claims (iat: is required)';
      if (claim === 'nbf') return 'not yet valid';
      return `invalid claims (${printable(claim)})`;
    default:
      return 'malformed';
  }
}
