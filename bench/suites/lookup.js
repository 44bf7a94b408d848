// setHasNs vs isLicensedNs: a bare Set.has on the granted feature set against
// LicenseService.isLicensed on the same set, in alternating order over many samples.
import { summarize, rotate, elapsedNs } from '../lib/stats.js';
import { createLicenseContext, option } from '../lib/license-fixture.js';
import { reply } from '../lib/child.js';

const rounds = option('rounds', 21);
const ops = option('ops', 2_000_000);

const { app, license } = await createLicenseContext();
const set = license.state.entitlements.features; // the very set isLicensed() reads
const granted = [...set];
// 64 queries, half granted, half not; built at run time so nothing is a compile-time constant.
const queries = Array.from({ length: 64 }, (_, i) =>
  i % 2 === 0 ? `${granted[(i >> 1) % granted.length]}` : `connector:absent-${i}`,
);
const MASK = queries.length - 1;

// Two separate, identical loops so each call site stays monomorphic.
function setHasLoop(target, n) {
  let hits = 0;
  for (let i = 0; i < n; i++) if (target.has(queries[i & MASK])) hits++;
  return hits;
}
function isLicensedLoop(target, n) {
  let hits = 0;
  for (let i = 0; i < n; i++) if (target.isLicensed(queries[i & MASK])) hits++;
  return hits;
}

const variants = {
  setHasNs: () => setHasLoop(set, ops),
  isLicensedNs: () => isLicensedLoop(license, ops),
};

let sink = 0;
const expected = ops / 2;
for (let warm = 0; warm < 5; warm++) for (const run of Object.values(variants)) sink += run();

const samples = { setHasNs: [], isLicensedNs: [] };
for (let round = 0; round < rounds; round++) {
  for (const name of rotate(Object.keys(variants), round)) {
    const start = process.hrtime.bigint();
    const hits = variants[name]();
    samples[name].push(elapsedNs(start) / ops);
    if (hits !== expected) throw new Error(`${name}: ${hits} hits, expected ${expected}`);
    sink += hits;
  }
}

await app.close();
reply({
  setHasNs: summarize(samples.setHasNs),
  isLicensedNs: summarize(samples.isLicensedNs),
  sink,
});
