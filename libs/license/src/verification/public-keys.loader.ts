import { createPublicKey, type KeyObject } from 'node:crypto';
import { printable } from './rejection-reasons.util.js';
import { FILE_SIZE_CAPS, FileReadError, readBoundedFile } from '../files/bounded-file.reader.js';

/** Smallest RSA modulus accepted for a signing authority. */
export const MIN_RSA_BITS = 2048;

/** Verified public keys: one unnamed key, or several by `kid` (key rotation by the vendor). */
export interface PublicKeySet {
  readonly byKid: ReadonlyMap<string, KeyObject>;
  /** Every key, in configuration order; tried in turn when a token names no `kid`. */
  readonly all: readonly KeyObject[];
}

export type PublicKeyOutcome = { ok: true; keys: PublicKeySet } | { ok: false; why: string };

/**
 * Loads the configured public key(s). `publicKeyPath` (an OEM / partner override) wins over
 * `publicKey`. Every failure comes back as a short `why` for `public key unavailable (<why>)`;
 * nothing throws.
 */
export async function loadPublicKeys(source: PublicKeySource): Promise<PublicKeyOutcome> {
  const read = await readPublicKeyPems(source);
  return read.ok ? publicKeySet(read.entries) : read;
}

export interface PublicKeySource {
  publicKey?: string | Readonly<Record<string, string>>;
  publicKeyPath?: string;
}

export type PublicKeyPems = { ok: true; entries: Array<[string | undefined, string]> } | { ok: false; why: string };

/** The configured PEM text(s), `[kid, pem]`, read afresh (the file of `publicKeyPath` included). */
export async function readPublicKeyPems(source: PublicKeySource): Promise<PublicKeyPems> {
  if (source.publicKeyPath) {
    try {
      return {
        ok: true,
        entries: [[undefined, await readBoundedFile(source.publicKeyPath, FILE_SIZE_CAPS.publicKey)]],
      };
    } catch (error) {
      const detail = error instanceof FileReadError ? error.detail : 'read error';
      return { ok: false, why: `cannot read ${printable(source.publicKeyPath, 500)}: ${detail}` };
    }
  }
  const configured = source.publicKey;
  if (configured === undefined || configured === '') {
    return { ok: false, why: 'no public key configured' };
  }
  if (typeof configured === 'string') return { ok: true, entries: [[undefined, configured]] };
  const entries = Object.entries(configured);
  if (entries.length === 0) return { ok: false, why: 'no public key configured' };
  return { ok: true, entries };
}

/** Parses PEMs into RSA public keys of at least 2048 bits. */
export function publicKeySet(entries: Array<[string | undefined, string]>): PublicKeyOutcome {
  const byKid = new Map<string, KeyObject>();
  const all: KeyObject[] = [];
  for (const [kid, pem] of entries) {
    const label = kid === undefined ? '' : `kid "${printable(kid, 64)}": `;
    const parsed = parseRsaPublicKey(pem);
    if (typeof parsed === 'string') return { ok: false, why: `${label}${parsed}` };
    if (kid !== undefined) byKid.set(kid, parsed);
    all.push(parsed);
  }
  return { ok: true, keys: { byKid, all } };
}

function parseRsaPublicKey(pem: string): KeyObject | string {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN')) return 'not a PEM public key';
  if (/PRIVATE KEY-----/.test(pem)) return 'a private key was given; configure the public key only';
  // createPublicKey would take the key out of a certificate and ignore its validity, issuer and
  // purpose: a certificate is refused so nobody believes those were checked.
  if (/-----BEGIN (X509 |TRUSTED )?CERTIFICATE-----/.test(pem)) {
    return 'an X.509 certificate was given; configure its public key (openssl x509 -pubkey -noout -in cert.pem)';
  }
  // createPublicKey would silently use the first block only.
  if ((pem.match(/-----BEGIN /g) ?? []).length > 1) {
    return 'several PEM blocks in one key; configure one key, or several keyed by kid';
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    return 'not a PEM public key';
  }
  if (key.asymmetricKeyType !== 'rsa') return `not an RSA key (${key.asymmetricKeyType ?? 'unknown'})`;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) return `RSA key of ${bits} bits; at least ${MIN_RSA_BITS} required`;
  return key;
}
