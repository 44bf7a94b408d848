// Shared by the fuzz specs: the run budget, the rejection-reason patterns of DESIGN.md section 4,
// the prototype-pollution sentinel, and throw-away signing keys (generated per run, never stored).
import { Buffer } from 'node:buffer';
import { createHmac, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { publicKeySet, type PublicKeySet } from '@liberty/license/verify';
import { generateLicenseKeyPair, type PemKeyPair } from '@liberty/license-cli';

/**
 * `FUZZ_RUNS` is the TOTAL number of generated cases across every property of every fuzz spec;
 * each property gets its share below (rounded up, so the sum is at least `FUZZ_RUNS`).
 * `npm test` runs the small default; `npm run test:fuzz` sets 100 000.
 */
export const DEFAULT_FUZZ_RUNS = 5_000;
export const FUZZ_RUNS = parseRuns(process.env.FUZZ_RUNS) ?? DEFAULT_FUZZ_RUNS;
/** Replays a failing run: fast-check prints the seed (and path) of every counterexample. */
export const FUZZ_SEED = parseRuns(process.env.FUZZ_SEED);

export const FUZZ_BUDGET = {
  // token-mutations.fuzz-spec.ts
  'character edits': 0.2,
  'decoded bit flips': 0.12,
  're-encodings': 0.08,
  'header rewrites keeping the signature': 0.08,
  'claim rewrites keeping the signature': 0.08,
  're-signed by a foreign key': 0.1,
  'algorithm swaps': 0.06,
  'non-string and oversize input': 0.03,
  // claims.fuzz-spec.ts
  'validateLicenseClaims on hostile objects': 0.12,
  'signed hostile claims': 0.13,
} as const;
export type FuzzProperty = keyof typeof FUZZ_BUDGET;

/** Cases for one property: its share of `FUZZ_RUNS`, at least 50. */
export function runsOf(property: FuzzProperty): number {
  return Math.max(50, Math.ceil(FUZZ_RUNS * FUZZ_BUDGET[property]));
}

/** fast-check parameters for one property. */
export function fuzzParameters(property: FuzzProperty): { numRuns: number; seed?: number } {
  return { numRuns: runsOf(property), ...(FUZZ_SEED !== undefined ? { seed: FUZZ_SEED } : {}) };
}

/** A Jest timeout that grows with the run count (RSA signing dominates: ~1 ms a case). */
export function timeoutFor(property: FuzzProperty): number {
  return 60_000 + runsOf(property) * 10;
}

function parseRuns(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`FUZZ_RUNS / FUZZ_SEED must be a non-negative integer, got "${value}"`);
  return n;
}

/** Counts cases per property and outcome, printed by `npm run test:fuzz` (FUZZ_RUNS set). */
export class FuzzTally {
  private readonly counts = new Map<string, Map<string, number>>();

  add(property: FuzzProperty, outcome: string): void {
    const row = this.counts.get(property) ?? new Map<string, number>();
    row.set(outcome, (row.get(outcome) ?? 0) + 1);
    this.counts.set(property, row);
  }

  total(property: FuzzProperty): number {
    return [...(this.counts.get(property)?.values() ?? [])].reduce((a, b) => a + b, 0);
  }

  count(property: FuzzProperty, outcome: string): number {
    return this.counts.get(property)?.get(outcome) ?? 0;
  }

  report(file: string): string {
    const lines = [...this.counts].map(([property, row]) => {
      const total = [...row.values()].reduce((a, b) => a + b, 0);
      const detail = [...row]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ');
      return `  ${property}: ${total} cases (${detail})`;
    });
    const sum = [...this.counts.keys()].reduce((n, p) => n + this.total(p as FuzzProperty), 0);
    return `fuzz ${file}: ${sum} cases\n${lines.join('\n')}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Rejection reasons (DESIGN.md section 4), one pattern per reason.

export const REASON_PATTERNS = {
  malformed: /^malformed$/,
  // At most 32 characters of the alg, each printable ASCII or escaped (no bare quote or backslash).
  'unsupported algorithm':
    /^unsupported algorithm \((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\]|\\u[0-9a-f]{4}){0,32}…?\)$/,
  'public key unavailable': /^public key unavailable \([^\r\n]+\)$/,
  'signature invalid': /^signature invalid$/,
  expired: /^expired \(\d{4}-\d{2}-\d{2}\)$/,
  'not yet valid': /^not yet valid \(\d{4}-\d{2}-\d{2}\)$/,
  'audience mismatch': /^audience mismatch$/,
  'issuer mismatch': /^issuer mismatch$/,
  'invalid claims': /^invalid claims \([A-Za-z][A-Za-z0-9_.]*: [\x20-\x7e]+\)$/,
} as const;
export type ReasonKind = keyof typeof REASON_PATTERNS;

/** Reasons that can be given before (or by) the signature check: they read nothing from the payload. */
export const PRE_SIGNATURE_REASONS: readonly ReasonKind[] = ['malformed', 'unsupported algorithm', 'signature invalid'];

/** The one reason kind `reason` is, or an error naming the string that fits none (or several). */
export function reasonKind(reason: unknown): ReasonKind {
  const kinds = (Object.keys(REASON_PATTERNS) as ReasonKind[]).filter(
    (kind) => typeof reason === 'string' && REASON_PATTERNS[kind].test(reason),
  );
  if (kinds.length !== 1) throw new Error(`not a DESIGN.md section 4 reason: ${JSON.stringify(reason)}`);
  return kinds[0];
}

// ---------------------------------------------------------------------------------------------
// Prototype pollution sentinel.

const WATCHED: ReadonlyArray<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];

/** Properties an attacker would plant on `Object.prototype`; none may ever appear. */
export const POLLUTION_PROBES = ['polluted', 'isAdmin', 'customer', 'exp', 'features', 'seats', 'max', 'connectors'];

type Slot = unknown[];
const slotOf = (proto: object, key: PropertyKey): Slot => {
  const d = Object.getOwnPropertyDescriptor(proto, key)!;
  return [d.value, d.get, d.set, d.writable, d.enumerable, d.configurable];
};

/**
 * Remembers every own property of the built-in prototypes (by identity) and checks, cheaply enough
 * to run after every case, that none was added, removed or replaced.
 */
export class PrototypeSentinel {
  private readonly baseline = WATCHED.map(
    ([name, proto]) => [name, proto, new Map(Reflect.ownKeys(proto).map((key) => [key, slotOf(proto, key)]))] as const,
  );

  assertUntouched(): void {
    const probe: Record<string, unknown> = {};
    for (const key of POLLUTION_PROBES) {
      if (probe[key] !== undefined) throw new Error(`Object.prototype.${key} was polluted`);
    }
    for (const [name, proto, slots] of this.baseline) {
      const keys = Reflect.ownKeys(proto);
      if (keys.length !== slots.size) throw new Error(`${name} gained or lost properties`);
      for (const key of keys) {
        const before = slots.get(key);
        const now = slotOf(proto, key);
        if (!before || before.some((v, i) => v !== now[i])) throw new Error(`${name}.${String(key)} changed`);
      }
    }
  }
}

/**
 * Any single UTF-16 string unit: every code point, lone surrogates included, ASCII more often.
 * (A custom unit: fast-check's built-in `binary` unit costs seconds to set up per test file.)
 */
export const anyCharacter = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
);

// ---------------------------------------------------------------------------------------------
// Keys and raw compact JWS (the fuzzers need headers and payload bytes that `signLicense` would
// never produce: other algorithms, duplicate keys, `__proto__` members, invalid UTF-8).

export interface FuzzKeys {
  /** Trusted signing keys, configured by kid (`current`, `previous`): vendor key rotation. */
  current: PemKeyPair;
  previous: PemKeyPair;
  /** An attacker's key, trusted by nobody. */
  foreign: PemKeyPair;
  /** The verifier's key set: `{ current, previous }`. */
  trusted: PublicKeySet;
  privateKeys: { current: KeyObject; previous: KeyObject; foreign: KeyObject };
}

export async function createFuzzKeys(): Promise<FuzzKeys> {
  const [current, previous, foreign] = await Promise.all([
    generateLicenseKeyPair(2048),
    generateLicenseKeyPair(2048),
    generateLicenseKeyPair(2048),
  ]);
  const set = publicKeySet([
    ['current', current.publicKey],
    ['previous', previous.publicKey],
  ]);
  if (!set.ok) throw new Error(set.why);
  return {
    current,
    previous,
    foreign,
    trusted: set.keys,
    privateKeys: {
      current: createPrivateKey(current.privateKey),
      previous: createPrivateKey(previous.privateKey),
      foreign: createPrivateKey(foreign.privateKey),
    },
  };
}

export function b64u(data: string | Uint8Array): string {
  return Buffer.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64url');
}

export function fromB64u(segment: string): Buffer {
  return Buffer.from(segment, 'base64url');
}

/** How a raw token is signed: an RSA or RSA-PSS algorithm with a private key, HMAC, or given bytes. */
export type RawSigner =
  | { kind: 'rsa'; alg: 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512'; key: KeyObject }
  | { kind: 'hmac'; alg: 'HS256' | 'HS384' | 'HS512'; secret: Uint8Array | string }
  | { kind: 'bytes'; signature: Uint8Array };

/** `b64u(header).b64u(payload).b64u(signature)` over the exact bytes given. */
export function compactJws(header: string | Uint8Array, payload: string | Uint8Array, signer: RawSigner): string {
  const input = `${b64u(header)}.${b64u(payload)}`;
  return `${input}.${b64u(signatureOf(input, signer))}`;
}

function signatureOf(input: string, signer: RawSigner): Uint8Array {
  const data = Buffer.from(input, 'ascii');
  switch (signer.kind) {
    case 'bytes':
      return signer.signature;
    case 'hmac':
      return createHmac(`sha${signer.alg.slice(2)}`, signer.secret)
        .update(data)
        .digest();
    case 'rsa': {
      const hash = `sha${signer.alg.slice(2)}`;
      return signer.alg.startsWith('PS')
        ? sign(hash, data, {
            key: signer.key,
            padding: 6 /* RSA_PKCS1_PSS_PADDING */,
            saltLength: Number(signer.alg.slice(2)) / 8,
          })
        : sign(hash, data, signer.key);
    }
  }
}

/** The SPKI DER of a PEM public key (a classic HS256 key-confusion secret). */
export function publicKeyDer(pem: string): Buffer {
  return createPublicKey(pem).export({ type: 'spki', format: 'der' });
}

/** The instant every fuzz case verifies at: fixed, so nothing depends on the wall clock. */
export const NOW = new Date('2026-01-15T12:00:00Z');
export const NOW_SECONDS = NOW.getTime() / 1000;
export const DAY = 86_400;
