import { Buffer } from 'node:buffer';
import { createHmac, sign as rsaSign, constants } from 'node:crypto';

/** base64url of a string or of an object's JSON. */
export function b64url(value: string | object): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export type CraftAlg = 'RS256' | 'RS512' | 'PS256' | 'HS256' | 'none';

/**
 * Builds a compact JWS by hand, with any header and any payload TEXT, so tests can craft what
 * `signLicense` refuses to make (other algorithms, non-object payloads, odd claims).
 * `secret` is the RSA private key PEM, or the HMAC secret for HS256.
 */
export function craftJws(header: string | object, payload: string | object, alg: CraftAlg, secret = ''): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const data = Buffer.from(input);
  let signature: Buffer;
  switch (alg) {
    case 'RS256':
      signature = rsaSign('sha256', data, secret);
      break;
    case 'RS512':
      signature = rsaSign('sha512', data, secret);
      break;
    case 'PS256':
      signature = rsaSign('sha256', data, {
        key: secret,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
      break;
    case 'HS256':
      signature = createHmac('sha256', secret).update(data).digest();
      break;
    case 'none':
      return `${input}.`;
  }
  return `${input}.${signature.toString('base64url')}`;
}

/** Seconds since the epoch of a date. */
export function seconds(at: Date | number): number {
  return Math.floor((typeof at === 'number' ? at : at.getTime()) / 1000);
}

export const DAY_S = 86_400;
