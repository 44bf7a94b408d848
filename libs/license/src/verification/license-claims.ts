import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';

/** The claims of a verified license key (DESIGN.md section 3). Unknown claims are dropped. */
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

class UsersClaimSchema {
  @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) max?: number;
}

class AiClaimSchema {
  @IsOptional() @IsArray() @ArrayMaxSize(64) @IsString({ each: true })
  @Matches(FEATURE_ID_PATTERN, { each: true, message: ID_MESSAGE })
  providers?: string[];

  @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) messagesPerDay?: number;
}

class FeaturesClaimSchema {
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_IDS) @IsString({ each: true })
  @Matches(FEATURE_ID_PATTERN, { each: true, message: ID_MESSAGE })
  connectors?: string[];

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_IDS) @IsString({ each: true })
  @Matches(FEATURE_ID_PATTERN, { each: true, message: ID_MESSAGE })
  apps?: string[];

  @IsOptional() @IsObject() @ValidateNested() users?: UsersClaimSchema;
  @IsOptional() @IsObject() @ValidateNested() ai?: AiClaimSchema;
}

class LicenseClaimsSchema {
  @IsOptional() @IsString() @MaxLength(MAX_TEXT) iss?: string;
  @IsOptional() @IsString() @MaxLength(MAX_TEXT) sub?: string;
  @IsOptional() @IsString() @MaxLength(MAX_TEXT) jti?: string;
  @IsString() @MinLength(1) @MaxLength(MAX_TEXT) customer!: string;
  @IsOptional() @IsString() @MaxLength(MAX_TEXT) edition?: string;
  @IsOptional() @IsString() @MaxLength(MAX_TEXT) tier?: string;
  @IsOptional() @IsString() @MaxLength(MAX_TEXT) instance?: string;
  @IsOptional() @IsObject() @ValidateNested() features?: FeaturesClaimSchema;

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_IDS) @IsString({ each: true })
  @Matches(FEATURE_ID_PATTERN, { each: true, message: ID_MESSAGE })
  products?: string[];

  @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) seats?: number;
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
    'iss', 'sub', 'jti', 'customer', 'edition', 'tier', 'instance', 'products', 'seats',
  ]);
  if (Object.hasOwn(payload, 'features')) {
    schema.features = nested(payload.features, (raw) => {
      const features = copyInto(new FeaturesClaimSchema(), raw, ['connectors', 'apps']);
      if (Object.hasOwn(raw, 'users')) {
        features.users = nested(raw.users, (u) => copyInto(new UsersClaimSchema(), u, ['max']));
      }
      if (Object.hasOwn(raw, 'ai')) {
        features.ai = nested(raw.ai, (a) =>
          copyInto(new AiClaimSchema(), a, ['providers', 'messagesPerDay']),
        );
      }
      return features;
    });
  }

  // Every failing constraint is collected so `describe` can report the most telling one.
  const errors = validateSync(schema, { forbidUnknownValues: false });
  if (errors.length > 0) return { ok: false, detail: describe(errors[0]) };

  const f = schema.features;
  const claims: LicenseClaims = {
    ...pick(payload, ['iat', 'nbf']),
    exp: payload.exp as number,
    ...(aud !== undefined ? { aud: Array.isArray(aud) ? [...aud] : aud } : {}),
    ...pick(schema, ['iss', 'sub', 'jti', 'customer', 'edition', 'tier', 'instance', 'seats']),
    ...(schema.products ? { products: [...schema.products] } : {}),
    ...(f
      ? {
          features: {
            ...(f.connectors ? { connectors: [...f.connectors] } : {}),
            ...(f.apps ? { apps: [...f.apps] } : {}),
            ...(f.users ? { users: pick(f.users, ['max']) } : {}),
            ...(f.ai
              ? {
                  ai: {
                    ...(f.ai.providers ? { providers: [...f.ai.providers] } : {}),
                    ...pick(f.ai, ['messagesPerDay']),
                  },
                }
              : {}),
          },
        }
      : {}),
  } as LicenseClaims;
  return { ok: true, claims: deepFreeze(claims) };
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
    Array.isArray(value) &&
    value.length <= 64 &&
    value.every((v) => typeof v === 'string' && v.length <= MAX_TEXT)
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

function pick<T extends object, K extends string>(source: T, keys: K[]): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {};
  for (const key of keys) {
    const value = (source as Record<string, unknown>)[key];
    // @IsOptional() lets null through; null means absent (a `seats: null` must not become a cap of 0).
    if (Object.hasOwn(source, key) && value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

/** A value of the wrong type also fails its size checks; its type is what the issuer must fix. */
const TYPE_CONSTRAINTS = ['isObject', 'isArray', 'isInt', 'isString'];

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
