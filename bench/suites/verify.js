// joseVerifyUs, verifyUs, rawVerifyUs: jose jwtVerify alone, verifyLicenseToken (canonical-JWS
// checks + jose + claim validation), and node:crypto verify of the same RS256 signature; plus
// claimsUs, validateLicenseClaims (class-validator) alone on the same payload, to show where the
// difference between the first two goes.
import { Buffer } from 'node:buffer';
import { verify as cryptoVerify } from 'node:crypto';
import { decodeJwt, jwtVerify } from 'jose';
import { publicKeySet, validateLicenseClaims, verifyLicenseToken } from '@liberty/license/verify';
import { summarize, rotate, elapsedNs } from '../lib/stats.js';
import { AUDIENCE, ISSUER, fixture, option } from '../lib/license-fixture.js';
import { reply } from '../lib/child.js';

const rounds = option('rounds', 15);
const iterations = option('iterations', 300);

const { publicKey, keys: tokens } = fixture();
const token = tokens.A;
const loaded = publicKeySet([[undefined, publicKey]]);
if (!loaded.ok) throw new Error(loaded.why);
const keys = loaded.keys;
const key = keys.all[0]; // one KeyObject for all three (jose caches its CryptoKey per KeyObject)
const [header, payload, signature] = token.split('.');
const signingInput = Buffer.from(`${header}.${payload}`);
const signatureBytes = Buffer.from(signature, 'base64url');
const claims = decodeJwt(token);

const variants = {
  async joseVerifyUs() {
    let ok = 0;
    for (let i = 0; i < iterations; i++) {
      const { payload: claims } = await jwtVerify(token, key, {
        algorithms: ['RS256'],
        audience: AUDIENCE,
        issuer: ISSUER,
        clockTolerance: 60,
      });
      if (claims.customer) ok++;
    }
    return ok;
  },
  async verifyUs() {
    let ok = 0;
    for (let i = 0; i < iterations; i++) {
      const outcome = await verifyLicenseToken(token, { keys, audience: AUDIENCE, issuer: ISSUER });
      if (outcome.status === 'accepted') ok++;
    }
    return ok;
  },
  async claimsUs() {
    let ok = 0;
    for (let i = 0; i < iterations; i++) if (validateLicenseClaims(claims).ok) ok++;
    return ok;
  },
  async rawVerifyUs() {
    let ok = 0;
    for (let i = 0; i < iterations; i++) if (cryptoVerify('sha256', signingInput, key, signatureBytes)) ok++;
    return ok;
  },
};

let sink = 0;
for (let warm = 0; warm < 3; warm++) for (const run of Object.values(variants)) sink += await run();

const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const name of rotate(Object.keys(variants), round)) {
    const start = process.hrtime.bigint();
    const ok = await variants[name]();
    samples[name].push(elapsedNs(start) / iterations / 1000);
    if (ok !== iterations) throw new Error(`${name}: ${ok} of ${iterations} verified`);
    sink += ok;
  }
}

reply({ ...Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summarize(values)])), sink });
