// An independent model of DESIGN.md sections 3-4, written from the specification (not from the
// verifier's code): which claims a key may carry, what the verifier makes of them, in what order.
// The claims fuzzer checks `validateLicenseClaims` and `verifyLicenseToken` against it.

/** 9999-12-31T23:59:59Z: the last numeric date the schema takes. */
export const MAX_NUMERIC_DATE = 253_402_300_799;
export const MAX_TEXT = 200;
export const MAX_IDS = 1000;
export const MAX_PROVIDERS = 64;
export const MAX_AUDIENCES = 64;
export const MAX_COUNT = 1_000_000_000;
export const FEATURE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The claim names a verified key may yield, and the members of its nested objects. */
export const SCHEMA_KEYS = {
  top: [
    'iss',
    'aud',
    'sub',
    'jti',
    'iat',
    'nbf',
    'exp',
    'customer',
    'edition',
    'tier',
    'instance',
    'features',
    'products',
    'seats',
  ],
  features: ['connectors', 'apps', 'users', 'ai'],
  users: ['max'],
  ai: ['providers', 'messagesPerDay'],
} as const;

export type ClaimsModel =
  { ok: true; claims: Record<string, unknown> } | { ok: false; stage: 'dates' | 'schema'; failures: string[] };

const has = (o: object, key: string) => Object.hasOwn(o, key);
/** An optional claim counts as absent when missing, `undefined` or JSON `null`. */
const present = (o: Record<string, unknown>, key: string) => has(o, key) && o[key] !== undefined && o[key] !== null;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Text length as class-validator's `MaxLength` counts it (validator.js `isLength`): a surrogate
 * pair, or a character followed by a variation selector, counts once.
 */
export function textLength(text: string): number {
  const selectors = text.match(/[^\uFE0F\uFE0E][\uFE0F\uFE0E]/g)?.length ?? 0;
  const pairs = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0;
  return text.length - selectors - pairs;
}

const isText = (v: unknown, min = 0) => typeof v === 'string' && textLength(v) >= min && textLength(v) <= MAX_TEXT;
const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_COUNT;
function isIdList(v: unknown, max: number): boolean {
  if (!Array.isArray(v) || v.length > max) return false;
  for (let i = 0; i < v.length; i += 1) {
    const id: unknown = v[i];
    if (typeof id !== 'string' || !FEATURE_ID.test(id)) return false;
  }
  return true;
}
const isAudienceShape = (v: unknown) =>
  (typeof v === 'string' && v.length <= MAX_TEXT) ||
  (Array.isArray(v) && v.length <= MAX_AUDIENCES && v.every((a) => typeof a === 'string' && a.length <= MAX_TEXT));

/** Numeric dates: `exp` required; `exp`, `nbf`, `iat` safe integers from 1970 to 9999. */
export function dateFailures(payload: Record<string, unknown>): string[] {
  const failures = has(payload, 'exp') ? [] : ['exp'];
  for (const claim of ['exp', 'nbf', 'iat']) {
    if (!has(payload, claim)) continue;
    const v = payload[claim];
    if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_NUMERIC_DATE)) failures.push(claim);
  }
  return failures;
}

/** What `validateLicenseClaims` must return for `payload`: the exact claims, or where it is wrong. */
export function modelClaims(payload: Record<string, unknown>): ClaimsModel {
  const dates = dateFailures(payload);
  if (dates.length > 0) return { ok: false, stage: 'dates', failures: dates };

  const failures: string[] = [];
  if (payload.aud !== undefined && !isAudienceShape(payload.aud)) failures.push('aud');
  for (const key of ['iss', 'sub', 'jti', 'edition', 'tier', 'instance']) {
    if (present(payload, key) && !isText(payload[key])) failures.push(key);
  }
  if (!isText(has(payload, 'customer') ? payload.customer : undefined, 1)) failures.push('customer');
  if (present(payload, 'products') && !isIdList(payload.products, MAX_IDS)) failures.push('products');
  if (present(payload, 'seats') && !isCount(payload.seats)) failures.push('seats');
  if (present(payload, 'features')) {
    const f = payload.features;
    if (!isObject(f)) failures.push('features');
    else {
      for (const key of ['connectors', 'apps']) {
        if (present(f, key) && !isIdList(f[key], MAX_IDS)) failures.push(`features.${key}`);
      }
      if (present(f, 'users')) {
        if (!isObject(f.users)) failures.push('features.users');
        else if (present(f.users, 'max') && !isCount(f.users.max)) failures.push('features.users.max');
      }
      if (present(f, 'ai')) {
        const ai = f.ai;
        if (!isObject(ai)) failures.push('features.ai');
        else {
          if (present(ai, 'providers') && !isIdList(ai.providers, MAX_PROVIDERS))
            failures.push('features.ai.providers');
          if (present(ai, 'messagesPerDay') && !isCount(ai.messagesPerDay)) failures.push('features.ai.messagesPerDay');
        }
      }
    }
  }
  if (failures.length > 0) return { ok: false, stage: 'schema', failures };
  return { ok: true, claims: project(payload) };
}

/** The claims of a valid payload: known members only, absent optional ones left out. */
function project(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['iat', 'nbf', 'exp', 'iss', 'sub', 'jti', 'customer', 'edition', 'tier', 'instance', 'seats']) {
    if (present(p, key)) out[key] = p[key];
  }
  if (p.aud !== undefined) out.aud = Array.isArray(p.aud) ? [...(p.aud as unknown[])] : p.aud;
  if (present(p, 'products')) out.products = [...(p.products as unknown[])];
  if (present(p, 'features')) {
    const f = p.features as Record<string, unknown>;
    const features: Record<string, unknown> = {};
    for (const key of ['connectors', 'apps']) if (present(f, key)) features[key] = [...(f[key] as unknown[])];
    if (present(f, 'users')) {
      const users = f.users as Record<string, unknown>;
      features.users = present(users, 'max') ? { max: users.max } : {};
    }
    if (present(f, 'ai')) {
      const ai = f.ai as Record<string, unknown>;
      features.ai = {
        ...(present(ai, 'providers') ? { providers: [...(ai.providers as unknown[])] } : {}),
        ...(present(ai, 'messagesPerDay') ? { messagesPerDay: ai.messagesPerDay } : {}),
      };
    }
    out.features = features;
  }
  return out;
}

/** Members of `claims` (at any depth) that the schema does not define. */
export function keysBeyondSchema(claims: Record<string, unknown>): string[] {
  const extra: string[] = [];
  const walk = (o: unknown, allowed: readonly string[], path: string) => {
    if (!isObject(o)) return;
    for (const key of Reflect.ownKeys(o)) {
      if (typeof key !== 'string' || !allowed.includes(key)) extra.push(`${path}${String(key)}`);
    }
  };
  walk(claims, SCHEMA_KEYS.top, '');
  const f = claims.features as Record<string, unknown> | undefined;
  walk(f, SCHEMA_KEYS.features, 'features.');
  walk(f?.users, SCHEMA_KEYS.users, 'features.users.');
  walk(f?.ai, SCHEMA_KEYS.ai, 'features.ai.');
  return extra;
}

export function deeplyFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(deeplyFrozen);
}

// ---------------------------------------------------------------------------------------------
// The verifier's verdict on a key signed by a trusted key (DESIGN.md section 4, "Order").

export interface VerdictContext {
  audience?: string;
  issuer?: string | readonly string[];
  /** `clockToleranceSeconds` as passed (the model applies the documented default and bounds). */
  clockToleranceSeconds?: number;
  nowSeconds: number;
}

export type VerdictModel =
  | { status: 'accepted'; claims: Record<string, unknown> }
  | { status: 'rejected'; reason: string; failures?: string[]; claims?: Record<string, unknown> };

/** Default 60 s; whole seconds from 0 to 300. */
export function toleranceOf(seconds: number | undefined): number {
  if (seconds === undefined || !Number.isFinite(seconds)) return 60;
  return Math.min(Math.max(Math.floor(seconds), 0), 300);
}

const utcDate = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

/**
 * `payload` is the claims set as a JSON parser reads the signed bytes (`undefined` when they are
 * not JSON). Dates are checked before anything else; then iss, aud, nbf, exp, iat; the schema last.
 * A rejection after the dates carries the claims when they are valid (for display).
 */
export function modelVerdict(payload: unknown, context: VerdictContext): VerdictModel {
  if (!(payload !== null && typeof payload === 'object' && !Array.isArray(payload))) {
    return { status: 'rejected', reason: 'malformed' };
  }
  const p = payload as Record<string, unknown>;
  const model = modelClaims(p);
  if (!model.ok && model.stage === 'dates') {
    return { status: 'rejected', reason: 'invalid claims', failures: model.failures };
  }
  const shown = model.ok ? { claims: model.claims } : {};
  const reject = (reason: string): VerdictModel => ({ status: 'rejected', reason, ...shown });

  const issuers =
    context.issuer === undefined ? undefined : typeof context.issuer === 'string' ? [context.issuer] : context.issuer;
  const { audience } = context;
  if (issuers && !has(p, 'iss')) return reject('issuer mismatch');
  if (audience !== undefined && !has(p, 'aud')) return reject('audience mismatch');
  if (issuers && !issuers.includes(p.iss as string)) return reject('issuer mismatch');
  if (audience !== undefined) {
    const aud = p.aud;
    const matches = typeof aud === 'string' ? aud === audience : Array.isArray(aud) && aud.includes(audience);
    if (!matches) return reject('audience mismatch');
  }
  const now = context.nowSeconds;
  const tolerance = toleranceOf(context.clockToleranceSeconds);
  const exp = p.exp as number;
  if (has(p, 'nbf') && (p.nbf as number) > now + tolerance)
    return reject(`not yet valid (${utcDate(p.nbf as number)})`);
  if (exp <= now) return reject(`expired (${utcDate(exp)})`);
  if (has(p, 'iat') && (p.iat as number) > now + tolerance)
    return reject(`not yet valid (${utcDate(p.iat as number)})`);
  if (!model.ok) return { status: 'rejected', reason: 'invalid claims', failures: model.failures };
  return { status: 'accepted', claims: model.claims };
}
