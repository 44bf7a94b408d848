import { readFileSync } from 'node:fs';
import { jwtVerify, decodeJwt } from 'jose';
import { validateLicenseClaims, publicKeySet, verifyLicenseToken } from '@liberty/license';
import { parseCompactJws } from '../libs/license/dist/verification/compact-jws.js';
const env = JSON.parse(readFileSync('/tmp/benchenv.json', 'utf8'));
const tok = env.BENCH_LICENSE_A; const payload = decodeJwt(tok);
const keys = publicKeySet([[undefined, env.BENCH_PUBLIC_KEY]]).keys;
const key = keys.all[0];
const opts = { algorithms: ['RS256'], audience: 'liberty', issuer: 'test-vendor', clockTolerance: 60 };
const V = {
  parse: [() => parseCompactJws(tok), 20000],
  claims: [() => validateLicenseClaims(payload), 5000],
  jose: [() => jwtVerify(tok, key, opts), 1000],
  joseClaims: [async () => { const { payload } = await jwtVerify(tok, key, opts); return validateLicenseClaims(payload); }, 1000],
  joseClaimsStatic: [async () => { await jwtVerify(tok, key, opts); return validateLicenseClaims(payload); }, 1000],
  ours: [() => verifyLicenseToken(tok, { keys, audience: 'liberty', issuer: 'test-vendor' }), 1000],
};
const res = {};
for (let r = 0; r < 7; r++) for (const [k, [f, N]] of Object.entries(V)) {
  const c = process.cpuUsage(); const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await f();
  const d = process.cpuUsage(c); (res[k] ??= []).push([((d.user + d.system) / N), Number(process.hrtime.bigint() - t) / N / 1000]);
}
for (const [k, v] of Object.entries(res)) { const cpu = v.map(x => x[0]).sort((a, b) => a - b); const wall = v.map(x => x[1]).sort((a, b) => a - b); console.log(k.padEnd(8), 'cpu med', cpu[3].toFixed(1), 'min', cpu[0].toFixed(1), ' wall med', wall[3].toFixed(1), 'min', wall[0].toFixed(1)); }
