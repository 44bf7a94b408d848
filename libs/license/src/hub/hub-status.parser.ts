import { FEATURE_ID_PATTERN } from '../verification/license-claims.validator.js';
import { printable } from '../verification/rejection-reasons.util.js';

/**
 * A hub's answer as a satellite reads it: ai.doo's status with fixed JSON types. Zero values (`""`, `0`, `[]`) mean "unknown"; `error` is `""` when `valid`.
 */
export interface HubStatus {
  readonly valid: boolean;
  readonly customer: string;
  readonly tier: string;
  readonly seats: number;
  readonly products: readonly string[];
  /** Integer Unix seconds. */
  readonly expires_at: number;
  readonly error: string;
}

export type HubStatusParse = { ok: true; status: HubStatus } | { ok: false; why: string };

const MAX_TEXT = 200;
const MAX_PRODUCTS = 1000;
const MAX_COUNT = 1_000_000_000;
/** 9999-12-31T23:59:59Z, as the claims schema bounds numeric dates. */
const MAX_SECONDS = 253_402_300_799;

/**
 * Checks every field's JSON type and bounds; the first problem is the answer's `why` (values from
 * the hub are escaped before they are shown). Unknown extra fields are ignored, so a newer hub
 * can add fields without locking out the satellites already deployed.
 */
export function parseHubStatus(body: unknown): HubStatusParse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, why: 'not a JSON object' };
  }
  const value = body as Record<string, unknown>;
  const problem =
    (typeof value.valid !== 'boolean' ? 'valid must be a boolean' : undefined) ??
    text(value, 'customer') ??
    text(value, 'tier') ??
    count(value, 'seats', MAX_COUNT) ??
    products(value.products) ??
    count(value, 'expires_at', MAX_SECONDS) ??
    text(value, 'error') ??
    consistency(value);
  if (problem) return { ok: false, why: problem };
  return {
    ok: true,
    status: Object.freeze({
      valid: value.valid as boolean,
      customer: value.customer as string,
      tier: value.tier as string,
      seats: value.seats as number,
      products: Object.freeze([...(value.products as string[])]),
      expires_at: value.expires_at as number,
      error: value.error as string,
    }),
  };
}

function text(value: Record<string, unknown>, field: string): string | undefined {
  const v = value[field];
  if (typeof v !== 'string') return `${field} must be a string`;
  return v.length > MAX_TEXT ? `${field} must be at most ${MAX_TEXT} characters` : undefined;
}

function count(value: Record<string, unknown>, field: string, max: number): string | undefined {
  const v = value[field];
  if (typeof v !== 'number' || !Number.isInteger(v)) return `${field} must be an integer`;
  return v < 0 || v > max ? `${field} must be from 0 to ${max}` : undefined;
}

function products(v: unknown): string | undefined {
  if (!Array.isArray(v)) return 'products must be an array of strings';
  if (v.length > MAX_PRODUCTS) return `products must have at most ${MAX_PRODUCTS} entries`;
  for (const id of v) {
    if (typeof id !== 'string') return 'products must be an array of strings';
    if (!FEATURE_ID_PATTERN.test(id)) return `products has a bad id "${printable(id)}"`;
  }
  return undefined;
}

/** A valid answer must say until when (stale-if-error needs it) and carry no error. */
function consistency(value: Record<string, unknown>): string | undefined {
  if (value.valid === true && value.expires_at === 0) return 'a valid license must have expires_at';
  if (value.valid === true && value.error !== '') return 'a valid license must have an empty error';
  if (value.valid === false && value.error === '') return 'an invalid license must say why in error';
  return undefined;
}
