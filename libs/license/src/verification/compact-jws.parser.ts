import { Buffer } from 'node:buffer';

/** Largest token accepted, checked before anything else is done with the input. */
export const MAX_TOKEN_BYTES = 8 * 1024;

const COMPACT_JWS = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

export interface CompactJwsParts {
  header: Record<string, unknown>;
  segments: [string, string, string];
}

/**
 * Checks that `token` is a canonical compact JWS and decodes its protected header.
 *
 * Stricter than jose on purpose: jose's base64url decoder on Node 20 tolerates `=` padding,
 * whitespace and non-zero padding bits, so one signature has several spellings. Here a segment
 * must re-encode to itself, which leaves exactly one accepted spelling per signed key.
 * Returns `undefined` for anything that is not canonical (the caller reports `malformed`).
 * `maxBytes` is the key's 8 KiB unless the caller reads a larger signed document (a revocation list).
 */
export function parseCompactJws(token: unknown, maxBytes = MAX_TOKEN_BYTES): CompactJwsParts | undefined {
  if (typeof token !== 'string' || token.length > maxBytes) return undefined;
  const match = COMPACT_JWS.exec(token);
  if (!match) return undefined;
  const segments: [string, string, string] = [match[1], match[2], match[3]];
  if (!segments.every(isCanonicalBase64url)) return undefined;
  const header = parseJsonObject(Buffer.from(segments[0], 'base64url').toString('utf8'));
  if (!header) return undefined;
  // JSON.parse refuses a BOM before the header; jose's TextDecoder would drop one before the
  // payload. Both are `malformed`, checked on the bytes (nothing of the payload is read).
  if (startsWithBom(segments[1])) return undefined;
  return { header, segments };
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function startsWithBom(segment: string): boolean {
  return Buffer.from(segment.slice(0, 4), 'base64url').subarray(0, 3).equals(UTF8_BOM);
}

function isCanonicalBase64url(segment: string): boolean {
  if (segment.length % 4 === 1) return false;
  return Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

/** A JSON text whose top level is an object (not an array, not null), else `undefined`. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
