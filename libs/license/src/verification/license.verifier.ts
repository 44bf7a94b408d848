import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { aidooClaimsProblem } from './aidoo-claims.validator.js';
import { parseCompactJws } from './compact-jws.parser.js';
import { checkNumericDates, validateLicenseClaims, type LicenseClaims } from './license-claims.validator.js';
import type { PublicKeySet } from './public-keys.loader.js';
import { printable, RejectionReason } from './rejection-reasons.util.js';

/** Default clock tolerance for `nbf` / `iat` (seconds). */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;
/** The largest clock tolerance accepted (seconds). */
export const MAX_CLOCK_TOLERANCE_SECONDS = 300;

export interface VerifyLicenseOptions {
  /** The keys that may have signed the token. */
  keys: PublicKeySet;
  /** Required `aud` (a string, or an array containing it). Not checked when undefined. */
  audience?: string;
  /** Accepted `iss` values. Not checked when undefined. */
  issuer?: string | readonly string[];
  /** Tolerance for `nbf` and `iat` (seconds, 0–300; default 60). `exp` gets none. */
  clockToleranceSeconds?: number;
  /** The instant to verify at (default: now). */
  now?: Date;
  /**
   * This install's name. A key carrying an `instance` claim with another value is rejected
   * `instance mismatch`; a key without the claim (a site license) is valid everywhere. Not
   * checked when undefined.
   */
  instance?: string;
  /**
   * Seconds after `exp` during which the key is still accepted, with `grace.endsAt` set (the
   * module's `graceDays`). Default 0: expired exactly at `exp`.
   */
  graceSeconds?: number;
  /**
   * `jti` values of the vendor's revocation list in force: a key whose `jti` is listed is rejected
   * `revoked` (after the signature and every other check). Not checked when undefined.
   */
  revoked?: ReadonlySet<string>;
}

export type LicenseVerification =
  | {
      readonly status: 'accepted';
      readonly claims: LicenseClaims;
      readonly kid?: string;
      /** Set when `exp` has passed and the key is inside its grace period (`graceSeconds`). */
      readonly grace?: { readonly endsAt: Date };
    }
  | {
      readonly status: 'rejected';
      readonly reason: string;
      /** The claims of a key whose signature verified (an expired key, say), for display. */
      readonly claims?: LicenseClaims;
    };

const rejected = (reason: string, claims?: LicenseClaims): LicenseVerification =>
  claims ? { status: 'rejected', reason, claims } : { status: 'rejected', reason };

/**
 * Verifies an RS256 license key offline. Never throws: every outcome is a status and, when
 * rejected, one of the documented rejection reasons.
 *
 * Order: shape (canonical compact JWS, ≤ 8 KiB) → header `alg` → signature (jose) → numeric
 * dates → `iss` / `aud` → `nbf` / `exp` / `iat` → claim schema. Nothing from the payload is read
 * before the signature verifies.
 */
export async function verifyLicenseToken(token: unknown, options: VerifyLicenseOptions): Promise<LicenseVerification> {
  const jws = parseCompactJws(token);
  if (!jws) return rejected(RejectionReason.malformed);
  const { alg, kid } = jws.header;
  if (alg !== 'RS256') return rejected(RejectionReason.unsupportedAlgorithm(printable(alg)));
  // RFC 7515: `kid` is a string. Read as "no kid", a number or null would try every key.
  if (kid !== undefined && typeof kid !== 'string') return rejected(RejectionReason.malformed);

  const now = options.now ?? new Date();
  const tolerance = clampTolerance(options.clockToleranceSeconds);
  const candidates = candidateKeys(options.keys, kid);
  let outcome: LicenseVerification = rejected(RejectionReason.signatureInvalid);
  for (const key of candidates) {
    outcome = await verifyWithKey(token as string, key, options, now, tolerance);
    if (outcome.status === 'accepted' || outcome.reason !== RejectionReason.signatureInvalid) break;
  }
  if (outcome.status === 'accepted' && typeof kid === 'string') return { ...outcome, kid };
  return outcome;
}

export function clampTolerance(seconds: number | undefined): number {
  if (seconds === undefined || !Number.isFinite(seconds)) return DEFAULT_CLOCK_TOLERANCE_SECONDS;
  return Math.min(Math.max(Math.floor(seconds), 0), MAX_CLOCK_TOLERANCE_SECONDS);
}

/** A named `kid` selects its key; without a `kid` every configured key is tried. */
export function candidateKeys(keys: PublicKeySet, kid: unknown): readonly KeyObject[] {
  if (keys.byKid.size === 0) return keys.all;
  if (typeof kid === 'string') {
    const key = keys.byKid.get(kid);
    return key ? [key] : [];
  }
  return keys.all;
}

async function verifyWithKey(
  token: string,
  key: KeyObject,
  options: VerifyLicenseOptions,
  now: Date,
  tolerance: number,
): Promise<LicenseVerification> {
  const verify = (at: Date) =>
    jwtVerify(token, key, {
      algorithms: ['RS256'],
      audience: options.audience,
      issuer: options.issuer as string | string[] | undefined,
      clockTolerance: tolerance,
      currentDate: at,
    });
  let payload: JWTPayload;
  try {
    ({ payload } = await verify(now));
  } catch (error) {
    // Inside a grace period jose's own `exp` check is the only objection it raised; every other
    // check (signature, iss, aud, nbf) is run again as of one second before `exp`, so none is
    // skipped whatever order jose checks in. The grace itself is decided below.
    const before = graceRetryInstant(error, options, now);
    if (!before) return classify(error);
    try {
      ({ payload } = await verify(before));
    } catch (again) {
      return classify(again);
    }
  }
  return checkVerifiedPayload(payload, now, tolerance, options);
}

/** What jose let through still has to pass the stricter rules: exact `exp`, `iat` not ahead. */
function checkVerifiedPayload(
  payload: Record<string, unknown>,
  now: Date,
  tolerance: number,
  options: VerifyLicenseOptions,
): LicenseVerification {
  const dates = checkNumericDates(payload);
  if (dates) return rejected(RejectionReason.invalidClaims(dates));
  const claims = validateLicenseClaims(payload);
  const shown = claims.ok ? claims.claims : undefined;
  const nowSeconds = now.getTime() / 1000;
  const exp = payload.exp as number;
  const graceEnd = exp + graceOf(options);
  if (graceEnd <= nowSeconds) return rejected(RejectionReason.expired(dateOf(exp)), shown);
  const iat = payload.iat as number | undefined;
  if (iat !== undefined && iat > nowSeconds + tolerance) {
    return rejected(RejectionReason.notYetValid(dateOf(iat)), shown);
  }
  if (!claims.ok) return rejected(RejectionReason.invalidClaims(claims.detail));
  const aidoo = aidooClaimsProblem(claims.claims, options.issuer);
  if (aidoo) return rejected(RejectionReason.invalidClaims(aidoo));
  const bound = claims.claims.instance;
  if (options.instance !== undefined && bound !== undefined && bound !== options.instance) {
    return rejected(RejectionReason.instanceMismatch, claims.claims);
  }
  const jti = claims.claims.jti;
  if (jti !== undefined && options.revoked?.has(jti)) return rejected(RejectionReason.revoked, claims.claims);
  if (exp <= nowSeconds) return { status: 'accepted', claims: claims.claims, grace: { endsAt: dateOf(graceEnd) } };
  return { status: 'accepted', claims: claims.claims };
}

function graceOf(options: VerifyLicenseOptions): number {
  const grace = options.graceSeconds;
  return grace !== undefined && Number.isSafeInteger(grace) && grace > 0 ? grace : 0;
}

/** One second before `exp`, when jose reported only an expiry that the grace period still covers. */
function graceRetryInstant(error: unknown, options: VerifyLicenseOptions, now: Date): Date | undefined {
  if ((error as { code?: unknown } | null)?.code !== errors.JWTExpired.code) return undefined;
  const exp = (error as errors.JWTExpired).payload?.exp;
  if (typeof exp !== 'number' || !Number.isSafeInteger(exp) || exp <= 0) return undefined;
  return now.getTime() < (exp + graceOf(options)) * 1000 ? dateOf(exp - 1) : undefined;
}

/** Maps a jose error to a reason by its `code` and `claim`, never by its message. */
function classify(error: unknown): LicenseVerification {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case errors.JWSSignatureVerificationFailed.code:
      return rejected(RejectionReason.signatureInvalid);
    case errors.JOSEAlgNotAllowed.code:
      return rejected(RejectionReason.unsupportedAlgorithm('RS256 only'));
    case errors.JWTExpired.code:
    case errors.JWTClaimValidationFailed.code:
      return classifyClaimFailure(error as errors.JWTClaimValidationFailed);
    default:
      // ERR_JWS_INVALID, ERR_JWT_INVALID (payload not a JSON object), ERR_JOSE_NOT_SUPPORTED
      // (`crit`, `b64`), and anything unforeseen: never accepted.
      return rejected(RejectionReason.malformed);
  }
}

function classifyClaimFailure(error: errors.JWTClaimValidationFailed): LicenseVerification {
  // jose attaches the payload only after the signature verified.
  const payload = error.payload as Record<string, unknown>;
  const dates = checkNumericDates(payload);
  if (dates) return rejected(RejectionReason.invalidClaims(dates));
  const verified = validateLicenseClaims(payload);
  const shown = verified.ok ? verified.claims : undefined;
  switch (error.claim) {
    case 'exp':
      return rejected(RejectionReason.expired(dateOf(payload.exp as number)), shown);
    case 'nbf':
      return rejected(RejectionReason.notYetValid(dateOf(payload.nbf as number)), shown);
    case 'iat':
      return rejected(RejectionReason.notYetValid(dateOf(payload.iat as number)), shown);
    case 'aud':
      return rejected(RejectionReason.audienceMismatch, shown);
    case 'iss':
      return rejected(RejectionReason.issuerMismatch, shown);
    default:
      return rejected(RejectionReason.invalidClaims(`${printable(error.claim)}: ${error.reason}`));
  }
}

function dateOf(seconds: number): Date {
  return new Date(seconds * 1000);
}
