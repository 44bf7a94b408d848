import { createPrivateKey, generateKeyPair as generateRsaKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { MIN_RSA_BITS } from '../verification/public-keys.loader.js';

const generate = promisify(generateRsaKeyPair);

/** Default RSA modulus for new signing keys. */
export const DEFAULT_RSA_BITS = 3072;

export interface PemKeyPair {
  /** PKCS#8 PEM. Keep it secret; never commit it. */
  privateKey: string;
  /** SPKI PEM: what the product bundles. */
  publicKey: string;
}

/** Generates an RSA key pair for signing license keys (≥ 2048 bits; default 3072). */
export async function generateLicenseKeyPair(bits = DEFAULT_RSA_BITS): Promise<PemKeyPair> {
  if (!Number.isSafeInteger(bits) || bits < MIN_RSA_BITS || bits > 16384) {
    throw new RangeError(`RSA key size must be an integer from ${MIN_RSA_BITS} to 16384 bits`);
  }
  const { privateKey, publicKey } = await generate('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKey, publicKey };
}

export interface IssueLicenseOptions {
  /** The RSA private key (PEM or KeyObject). */
  privateKey: string | KeyObject;
  /** `kid` header, for vendors who sign with several keys. */
  kid?: string;
  /** Extra or overriding protected header fields (tests use this to craft bad headers). */
  header?: Record<string, unknown>;
}

/**
 * Signs a claims object as an RS256 JWT. The claims are signed as given (no defaults added), so
 * callers decide `iat`, `nbf` and `exp`.
 */
export async function signLicense(claims: Record<string, unknown>, options: IssueLicenseOptions): Promise<string> {
  const key = typeof options.privateKey === 'string' ? createPrivateKey(options.privateKey) : options.privateKey;
  if (key.asymmetricKeyType !== 'rsa') throw new TypeError('license keys are signed with an RSA private key');
  return new SignJWT(claims)
    .setProtectedHeader({
      typ: 'JWT',
      ...(options.kid ? { kid: options.kid } : {}),
      ...options.header,
      alg: 'RS256',
    })
    .sign(key);
}
