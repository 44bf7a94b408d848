import {
  isInt,
  IsObject,
  IsOptional,
  ValidateBy,
  ValidateNested,
  maxLength,
  minLength,
  validateSync,
  type ValidationArguments,
  type ValidationError,
} from './class-validator.subset.js';

/** The claims of a verified license key. Unknown claims are dropped. */
export interface LicenseClaims {
  readonly iss?: string;
  readonly aud?: string | readonly string[];
  readonly sub?: string;
  readonly jti?: string;
  readonly iat?: number;
  readonly nbf?: number;
  readonly exp: number;
  readonly customer: string;
  /** Liberty's name; ai.doo keys say `tier`. Either is accepted. */
  readonly edition?: string;
  readonly tier?: string;
  readonly instance?: string;
  readonly features?: {
    readonly connectors?: readonly string[];
    readonly apps?: readonly string[];
    readonly users?: { readonly max?: number };
    readonly ai?: { readonly providers?: readonly string[]; readonly messagesPerDay?: number };
  };
  readonly products?: readonly string[];
  readonly seats?: number;
}

/** Feature ids: what `connector:<id>` and friends may contain. */
export const FEATURE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ID_MESSAGE = 'each id must be 1-64 letters, digits, ".", "_" or "-"';
const MAX_IDS = 1000;
const MAX_TEXT = 200;
const MAX_COUNT = 1_000_000_000;
/** 9999-12-31T23:59:59Z in seconds: later numeric dates are absurd, not "forever". */
const MAX_NUMERIC_DATE = 253_402_300_799;

/*
 * One composite constraint per property (a text, a count, a list of ids) instead of a chain of
 * three or four: class-validator's cost grows with the number of constraints it runs, and
 * verification runs on every (re)verify. Each constraint still reports the one rule that failed,
 * and uses class-validator's own checks (`maxLength` counts characters, not UTF-16 units).
 */

/** A string of `min`–200 characters. */
function IsText(min = 0): PropertyDecorator {
  return composite('isText', (value) =>
    typeof value !== 'string'
      ? 'must be a string'
      : !minLength(value, min)
        ? `must be longer than or equal to ${min} characters`
        : !maxLength(value, MAX_TEXT)
          ? `must be shorter than or equal to ${MAX_TEXT} characters`
          : undefined,
  );
}

/** A whole number from 0 to 1 000 000 000. */
function IsCount(): PropertyDecorator {
  return composite('isCount', (value) => {
    if (!isInt(value)) return 'must be an integer number';
    const count = value as number;
    if (count < 0) return 'must not be less than 0';
    return count > MAX_COUNT ? `must not be greater than ${MAX_COUNT}` : undefined;
  });
}

/** An array of at most `max` feature ids. */
function IsIdList(max = MAX_IDS): PropertyDecorator {
  return composite('isIdList', (value, property) => {
    if (!Array.isArray(value)) return 'must be an array';
    if (value.length > max) return `must contain no more than ${max} elements`;
    if (!value.every((id) => typeof id === 'string')) return `each value in ${property} must be a string`;
    return value.every((id: string) => FEATURE_ID_PATTERN.test(id)) ? undefined : ID_MESSAGE;
  });
}

/** A class-validator constraint whose check returns what is wrong, or `undefined`. */
function composite(name: string, problem: (value: unknown, property: string) => string | undefined): PropertyDecorator {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => problem(value, args?.property ?? '') === undefined,
      defaultMessage: (args?: ValidationArguments) => problem(args?.value, args?.property ?? '') ?? 'is invalid',
    },
  });
}

class UsersClaimSchema {
  @IsOptional() @IsCount() max?: number;
}

class AiClaimSchema {
  @IsOptional() @IsIdList(64) providers?: string[];
  @IsOptional() @IsCount() messagesPerDay?: number;
}

class FeaturesClaimSchema {
  @IsOptional() @IsIdList() connectors?: string[];
  @IsOptional() @IsIdList() apps?: string[];
  @IsOptional() @IsObject() @ValidateNested() users?: UsersClaimSchema;
  @IsOptional() @IsObject() @ValidateNested() ai?: AiClaimSchema;
}

class LicenseClaimsSchema {
  @IsOptional() @IsText() iss?: string;
  @IsOptional() @IsText() sub?: string;
  @IsOptional() @IsText() jti?: string;
  @IsText(1) customer!: string;
  @IsOptional() @IsText() edition?: string;
  @IsOptional() @IsText() tier?: string;
  @IsOptional() @IsText() instance?: string;
  @IsOptional() @IsObject() @ValidateNested() features?: FeaturesClaimSchema;
  @IsOptional() @IsIdList() products?: string[];
  @IsOptional() @IsCount() seats?: number;
}

type Outcome = { ok: true; claims: LicenseClaims } | { ok: false; detail: string };

/**
 * Validates a verified payload against the claim schema and returns a clean, frozen copy.
 *
 * Only known keys are copied, one by one with `Object.hasOwn`, into fresh schema instances: a
 * payload carrying `__proto__` or `constructor` keys can neither pollute a prototype nor reach
 * the result. class-transformer is not needed (and not used) for that reason.
 */
export function validateLicenseClaims(payload: Record<string, unknown>): Outcome {
  const dates = checkNumericDates(payload);
  if (dates) return { ok: false, detail: dates };
  const aud = payload.aud;
  if (aud !== undefined && !isAudience(aud)) {
    return { ok: false, detail: 'aud: must be a string or an array of strings' };
  }

  const schema = copyInto(new LicenseClaimsSchema(), payload, [
    'iss',
    'sub',
    'jti',
    'customer',
    'edition',
    'tier',
    'instance',
    'products',
    'seats',
  ]);
  if (Object.hasOwn(payload, 'features')) {
    schema.features = nested(payload.features, (raw) => {
      const features = copyInto(new FeaturesClaimSchema(), raw, ['connectors', 'apps']);
      if (Object.hasOwn(raw, 'users')) {
        features.users = nested(raw.users, (u) => copyInto(new UsersClaimSchema(), u, ['max']));
      }
      if (Object.hasOwn(raw, 'ai')) {
        features.ai = nested(raw.ai, (a) => copyInto(new AiClaimSchema(), a, ['providers', 'messagesPerDay']));
      }
      return features;
    });
  }

  // Every failing constraint is collected so `describe` can report the most telling one.
  const errors = validateSync(schema, { forbidUnknownValues: false });
  if (errors.length > 0) return { ok: false, detail: describe(errors[0]) };

  // Built with plain assignments: conditional object spreads cost ~20 µs here, more than the rest.
  const claims: Record<string, unknown> = { exp: payload.exp };
  copyPresent(claims, payload, ['iat', 'nbf']);
  if (aud !== undefined) claims.aud = Array.isArray(aud) ? [...(aud as string[])] : aud;
  copyPresent(claims, schema, ['iss', 'sub', 'jti', 'customer', 'edition', 'tier', 'instance', 'seats']);
  if (schema.products) claims.products = [...schema.products];
  const f = schema.features;
  if (f) {
    const features: Record<string, unknown> = {};
    if (f.connectors) features.connectors = [...f.connectors];
    if (f.apps) features.apps = [...f.apps];
    if (f.users) features.users = copyPresent({}, f.users, ['max']);
    if (f.ai) {
      const ai: Record<string, unknown> = {};
      if (f.ai.providers) ai.providers = [...f.ai.providers];
      features.ai = copyPresent(ai, f.ai, ['messagesPerDay']);
    }
    claims.features = features;
  }
  return { ok: true, claims: deepFreeze(claims as unknown as LicenseClaims) };
}

/**
 * `exp` is required; `exp`, `nbf` and `iat` must be safe integers (seconds since the epoch).
 * Returns what is wrong, or `undefined`.
 */
export function checkNumericDates(payload: Record<string, unknown>): string | undefined {
  if (!Object.hasOwn(payload, 'exp')) return 'exp: is required';
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    if (!Object.hasOwn(payload, claim)) continue;
    const value = payload[claim];
    if (typeof value !== 'number') return `${claim}: must be a number`;
    if (!Number.isSafeInteger(value)) return `${claim}: must be a safe integer`;
    if (value < 0 || value > MAX_NUMERIC_DATE) return `${claim}: must be a date from 1970 to 9999`;
  }
  return undefined;
}

function isAudience(value: unknown): boolean {
  if (typeof value === 'string') return value.length <= MAX_TEXT;
  return (
    Array.isArray(value) && value.length <= 64 && value.every((v) => typeof v === 'string' && v.length <= MAX_TEXT)
  );
}

function copyInto<T extends object>(target: T, source: Record<string, unknown>, keys: string[]): T {
  for (const key of keys) {
    if (Object.hasOwn(source, key)) (target as Record<string, unknown>)[key] = source[key];
  }
  return target;
}

/**
 * Builds a nested schema instance from a plain object, or passes a non-object through to fail
 * `@IsObject()`. An array is passed on EMPTY: `@ValidateNested()` walks into arrays, and a signed
 * `"features": [[[…]]]` a few thousand levels deep would overflow the stack (found by fuzzing).
 */
function nested<T>(value: unknown, build: (raw: Record<string, unknown>) => T): T {
  if (Array.isArray(value)) return [] as T;
  return value !== null && typeof value === 'object' ? build(value as Record<string, unknown>) : (value as T);
}

/** Copies the keys `source` has with a value (`null` counts as absent) onto `target`. */
function copyPresent(target: Record<string, unknown>, source: object, keys: string[]): Record<string, unknown> {
  for (const key of keys) {
    const value = (source as Record<string, unknown>)[key];
    // @IsOptional() lets null through; null means absent (a `seats: null` must not become a cap of 0).
    if (Object.hasOwn(source, key) && value !== undefined && value !== null) target[key] = value;
  }
  return target;
}

/** A nested claim of the wrong type also fails `nestedValidation`; its type is what to fix. */
const TYPE_CONSTRAINTS = ['isObject'];

function describe(error: ValidationError, path = ''): string {
  const here = path ? `${path}.${error.property}` : error.property;
  if (error.constraints) {
    const constraints = error.constraints;
    const key = TYPE_CONSTRAINTS.find((name) => name in constraints) ?? Object.keys(constraints)[0];
    const message = constraints[key] ?? 'is invalid';
    return `${here}: ${message.replace(new RegExp(`^${error.property} `), '')}`;
  }
  const child = error.children?.[0];
  return child ? describe(child, here) : `${here}: is invalid`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
