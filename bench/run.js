// npm run bench: every figure of issue "4/5 Benchmarks", measured side by side in one run.
//
//   node bench/run.js [--smoke] [--out PATH]
//
// Variants that are compared are interleaved in rotating order over several rounds and quoted as
// medians with their min–max, because the machines are shared and noisy. HTTP servers run in
// child processes of their own (one per adapter × variant) and autocannon in another one.
// --smoke runs every suite for a few hundred iterations (the structure check in `npm test`).
import { cpus, loadavg, availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runChild, startChild } from './lib/child.js';
import { rotate, summarize } from './lib/stats.js';
import { createBenchLicenseEnv } from './lib/license-fixture.js';

const smoke = process.argv.includes('--smoke');
const outIndex = process.argv.indexOf('--out');
const outPath = outIndex > 0 ? process.argv[outIndex + 1] : fileURLToPath(new URL('./results.json', import.meta.url));

const config = smoke
  ? {
      lookup: { rounds: 3, ops: 100_000 },
      guard: { rounds: 3, ops: 20_000, stepOps: 5_000 },
      verify: { rounds: 2, iterations: 20 },
      bootstrapRuns: 1,
      heap: { runs: 1, cycles: 200, subscribers: 100, warmup: 20 },
      fanOut: { registries: 1000, samples: 3, warmup: 1 },
      usageStore: { rounds: 2, ops: 100 },
      bus: { samples: 5, warmup: 1 },
      seats: { rounds: 1, claims: 30, concurrency: 2 },
      http: { rounds: 1, seconds: 0.3, warmupSeconds: 0, connections: 4, processPerVariant: false },
    }
  : {
      lookup: { rounds: 21, ops: 2_000_000 },
      guard: { rounds: 21, ops: 2_000_000, stepOps: 300_000 },
      verify: { rounds: 15, iterations: 300 },
      bootstrapRuns: 11,
      heap: { runs: 3, cycles: 10_000, subscribers: 100, warmup: 1_000 },
      fanOut: { registries: 1000, samples: 31, warmup: 10 },
      usageStore: { rounds: 15, ops: 3000 },
      bus: { samples: 101, warmup: 10 },
      seats: { rounds: 5, claims: 600, concurrency: 8 },
      http: { rounds: 7, seconds: 2, warmupSeconds: 2, connections: 10, processPerVariant: true },
    };

const ADAPTERS = ['express', 'fastify'];
const HTTP_VARIANTS = ['unguarded', 'noopGuard', 'licenseGuard', 'perRequestVerify'];
const MiB = 1024 * 1024;

const log = (line) => process.stdout.write(`${line}\n`);
const startedAt = Date.now();
/** A progress line, stamped with the seconds since the start. */
const progress = (line) => log(`[${String(Math.round((Date.now() - startedAt) / 1000)).padStart(4)} s] ${line}`);
const options = (values) => Object.entries(values).map(([name, value]) => `--${name}=${value}`);

async function main() {
  const started = Date.now();
  const loadStart = loadavg();
  log(
    `liberty-license bench${smoke ? ' (smoke)' : ''}: ${machine().cpu}, ${machine().nproc} cores, Node ${process.version}`,
  );
  const env = await createBenchLicenseEnv();
  const suites = [
    lookupSuite,
    guardSuite,
    verifySuite,
    heapSuite,
    fanOutSuite,
    bootstrapSuite,
    httpSuite,
    usageStoreSuite,
    busSuite,
    seatsSuite,
  ];
  // A measuring run takes one suite at a time; the smoke run only checks that each one works.
  const parts = smoke
    ? await Promise.all(suites.map((suite) => suite(env)))
    : await sequentially(suites.map((suite) => () => suite(env)));
  const figures = Object.assign({}, ...parts);
  const details = Object.assign({}, ...parts.map((part) => part.details));
  const paired = Object.assign({}, ...parts.map((part) => part.paired));
  delete figures.details;
  delete figures.paired;

  const results = report(figures, details, paired, { started, loadStart });
  const tmp = `${outPath}.tmp`;
  await writeFile(tmp, `${JSON.stringify(results, null, 2)}\n`);
  await rename(tmp, outPath);
  log(`\nwrote ${outPath} (${Math.round((Date.now() - started) / 1000)} s)`);
}

async function sequentially(tasks) {
  const results = [];
  for (const task of tasks) results.push(await task());
  return results;
}

async function lookupSuite(env) {
  progress('lookup: Set.has vs LicenseService.isLicensed');
  return pick(await runChild('suites/lookup.js', { env, args: options(config.lookup) }), ['setHasNs', 'isLicensedNs']);
}

async function guardSuite(env) {
  progress('guard: LicenseGuard.canActivate vs a guard returning true, on a real ExecutionContext');
  return pick(await runChild('suites/guard.js', { env, args: options(config.guard) }), [
    'bareNoopGuardNs',
    'bareLicenseGuardNs',
    'stepNoopGuardNs',
    'stepLicenseGuardNs',
  ]);
}

async function verifySuite(env) {
  progress('verify: jose jwtVerify vs verifyLicenseToken vs node:crypto verify');
  const result = await runChild('suites/verify.js', { env, args: options(config.verify) });
  return { ...pick(result, ['joseVerifyUs', 'verifyUs', 'rawVerifyUs']), details: { claimsUs: result.claimsUs } };
}

async function heapSuite(env) {
  const { runs, cycles, subscribers } = config.heap;
  progress(`reverify heap: ${runs} × ${cycles} reverify() cycles, ${subscribers} subscribers, a fresh process each`);
  const heap = [];
  for (let run = 0; run < runs; run++) {
    const args = options(config.heap);
    const result = await runChild('suites/reverify-heap.js', {
      env,
      args,
      execArgv: ['--expose-gc'],
      timeoutMs: 300_000,
    });
    heap.push(result.reverifyHeapBytes);
  }
  return { reverifyHeapBytes: summarize(heap) };
}

async function fanOutSuite(env) {
  progress(`fan-out: reverify() to the last of ${config.fanOut.registries} LicensedRegistry instances`);
  return pick(await runChild('suites/fan-out.js', { env, args: options(config.fanOut) }), ['fanOutMs']);
}

async function bootstrapSuite(env) {
  progress(`bootstrap: ${config.bootstrapRuns} fresh processes per variant, in rotating order`);
  const samples = { without: [], with: [], coldVerify: [] };
  const libraryImportMs = [];
  for (let run = 0; run < config.bootstrapRuns; run++) {
    for (const variant of rotate(Object.keys(samples), run)) {
      const result = await runChild('suites/bootstrap.js', { env, args: [variant] });
      samples[variant].push(result.bootstrapMs ?? result.coldVerifyMs);
      if (variant === 'with') libraryImportMs.push(result.importMs);
    }
  }
  return {
    bootstrapMsWithout: summarize(samples.without),
    bootstrapMsWith: summarize(samples.with),
    details: { coldVerifyMs: summarize(samples.coldVerify), libraryImportMs: summarize(libraryImportMs) },
  };
}

/** Starts the 8 servers and the load generator, then runs rounds × variants in rotating order. */
async function httpSuite(env) {
  const { rounds, seconds, warmupSeconds, connections } = config.http;
  const names = ADAPTERS.flatMap((adapter) => HTTP_VARIANTS.map((variant) => `${adapter}.${variant}`));
  progress(
    `http: ${names.length} servers, ${rounds} rounds × ${seconds} s each, ${connections} connections, rotating order`,
  );
  // Full runs: a server process per (adapter, variant); smoke runs: one per adapter.
  const groups = ADAPTERS.flatMap((adapter) =>
    config.http.processPerVariant ? HTTP_VARIANTS.map((variant) => [adapter, [variant]]) : [[adapter, HTTP_VARIANTS]],
  );
  const servers = [];
  const load = startChild('http/load.js');
  try {
    for (const [adapter, variants] of groups) {
      servers.push({ adapter, server: startChild('http/server.js', { env, args: [adapter, variants.join(',')] }) });
    }
    const ports = new Map();
    const serverOf = new Map();
    for (const { adapter, server } of servers) {
      for (const [variant, port] of Object.entries((await server.ready).ports)) {
        ports.set(`${adapter}.${variant}`, port);
        serverOf.set(`${adapter}.${variant}`, server);
      }
    }
    await load.ready;
    const url = (name) => `http://127.0.0.1:${ports.get(name)}/connectors/sap`;
    for (const name of names) {
      const response = await fetch(url(name));
      if (response.status !== 200) throw new Error(`${name}: GET /connectors/sap answered ${response.status}`);
    }
    const measure = async (name, duration) => {
      const before = await serverOf.get(name).request({ type: 'cpu' });
      const result = await load.request({ url: url(name), seconds: duration, connections });
      const after = await serverOf.get(name).request({ type: 'cpu' });
      if (result.non2xx || result.errors || result.timeouts) {
        throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
      }
      return { ...result, cpuUsPerRequest: (after.cpuUs - before.cpuUs) / result.requests };
    };
    if (warmupSeconds > 0) for (const name of names) await measure(name, warmupSeconds);
    const samples = new Map(names.map((name) => [name, []]));
    const cpu = new Map(names.map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      const line = [];
      for (const name of rotate(names, round)) {
        const { rps, cpuUsPerRequest } = await measure(name, seconds);
        samples.get(name).push(rps);
        cpu.get(name).push(cpuUsPerRequest);
        line.push(`${name} ${Math.round(rps)}`);
      }
      progress(`  round ${round + 1}/${rounds}: ${line.join(', ')}`);
    }
    const figures = {};
    for (const [name, values] of samples) figures[`${name}Rps`] = summarize(values);
    // Server CPU time per request: what a request costs, whatever share of the CPU the server got.
    const details = {};
    for (const [name, values] of cpu) details[`${name}CpuUsPerRequest`] = summarize(values);
    // The same ratios taken within each round (neighbours in time), as a cross-check on noise.
    const paired = {};
    for (const adapter of ADAPTERS) {
      for (const [a, b] of [
        ['licenseGuard', 'noopGuard'],
        ['licenseGuard', 'unguarded'],
      ]) {
        const over = samples
          .get(`${adapter}.${a}`)
          .map((value, round) => value / samples.get(`${adapter}.${b}`)[round]);
        paired[`${adapter}.${a}Rps / ${adapter}.${b}Rps`] = summarize(over);
      }
    }
    return { ...figures, paired, details };
  } finally {
    await Promise.all(servers.map(({ server }) => server.stop().catch(() => server.kill())));
    await load.stop().catch(() => load.kill());
  }
}

// The replica suites start their own redis-server / PostgreSQL (bench/lib/servers.js).
async function usageStoreSuite(env) {
  progress(
    'usage store: RedisUsageStore consume vs bare INCRBY vs in-memory vs the database count (PostgreSQL), per call',
  );
  return pick(await runChild('suites/usage-store.js', { env, args: options(config.usageStore) }), [
    'redisConsumeUs',
    'redisIncrbyUs',
    'inMemoryConsumeUs',
    'databaseConsumeUs',
  ]);
}

async function busSuite(env) {
  progress('bus: reverify() on replica 1 to the last of 3 replicas applied (RedisLicenseBus)');
  return pick(await runChild('suites/bus.js', { env, args: options(config.bus) }), [
    'busConvergenceMs',
    'busConvergenceP99Ms',
  ]);
}

async function seatsSuite(env) {
  progress('seats: claims per second across 3 replicas on PostgreSQL vs plain inserts');
  return pick(await runChild('suites/seats.js', { env, args: options(config.seats), timeoutMs: 300_000 }), [
    'seatClaimsPerSec',
    'plainInsertsPerSec',
  ]);
}

function pick(result, names) {
  return Object.fromEntries(names.map((name) => [name, result[name]]));
}

/** Builds results.json and prints the table and the ratios against the targets. */
function report(figures, details, paired, { started, loadStart }) {
  const median = (name) => figures[name].median;
  const cpu = (name) => details[`${name}CpuUsPerRequest`].median;
  // HTTP is compared by server CPU time per request (median of rounds): requests per second swing
  // ±20–40 % from round to round on these shared machines and cannot resolve a 1 % difference.
  const ratios = [
    ratio(
      'guard step: stepLicenseGuardNs / stepNoopGuardNs',
      median('stepLicenseGuardNs') / median('stepNoopGuardNs'),
      '≤',
      1.2,
    ),
    // The earlier throughput targets (≥ 0.99 and ≥ 0.97 of the reference), as CPU per request.
    ratio(
      'express: licenseGuard ÷ noopGuard server CPU µs per request',
      cpu('express.licenseGuard') / cpu('express.noopGuard'),
      '≤',
      1.01,
    ),
    ratio(
      'fastify: licenseGuard ÷ noopGuard server CPU µs per request',
      cpu('fastify.licenseGuard') / cpu('fastify.noopGuard'),
      '≤',
      1.01,
    ),
    ratio(
      'express: licenseGuard ÷ unguarded server CPU µs per request',
      cpu('express.licenseGuard') / cpu('express.unguarded'),
      '≤',
      1.03,
    ),
    ratio('isLicensedNs / setHasNs', median('isLicensedNs') / median('setHasNs'), '≤', 1.5),
    ratio('verifyUs / joseVerifyUs', median('verifyUs') / median('joseVerifyUs'), '≤', 1.3),
    ratio(
      'bootstrapMsWith − bootstrapMsWithout (ms)',
      median('bootstrapMsWith') - median('bootstrapMsWithout'),
      '≤',
      10,
    ),
    ratio('reverifyHeapBytes (MiB)', median('reverifyHeapBytes') / MiB, '<', 1),
    ratio('fanOutMs', median('fanOutMs'), '≤', 5),
    // Issue 10: the cap-checking Lua script costs about one round trip, like a bare INCRBY.
    ratio(
      'redisIncrbyUs / redisConsumeUs (consume throughput vs bare INCRBY)',
      median('redisIncrbyUs') / median('redisConsumeUs'),
      '≥',
      0.8,
    ),
  ];
  const info = [
    [
      'guard alone: bareLicenseGuardNs − bareNoopGuardNs (ns per call)',
      median('bareLicenseGuardNs') - median('bareNoopGuardNs'),
    ],
    [
      'express: licenseGuard − noopGuard server CPU µs per request',
      cpu('express.licenseGuard') - cpu('express.noopGuard'),
    ],
    [
      'fastify: licenseGuard − noopGuard server CPU µs per request',
      cpu('fastify.licenseGuard') - cpu('fastify.noopGuard'),
    ],
    [
      'express.licenseGuardRps / express.noopGuardRps',
      median('express.licenseGuardRps') / median('express.noopGuardRps'),
    ],
    [
      'fastify.licenseGuardRps / fastify.noopGuardRps',
      median('fastify.licenseGuardRps') / median('fastify.noopGuardRps'),
    ],
    [
      'express.licenseGuardRps / express.unguardedRps',
      median('express.licenseGuardRps') / median('express.unguardedRps'),
    ],
    [
      'express.perRequestVerifyRps / express.licenseGuardRps',
      median('express.perRequestVerifyRps') / median('express.licenseGuardRps'),
    ],
    [
      'fastify.perRequestVerifyRps / fastify.licenseGuardRps',
      median('fastify.perRequestVerifyRps') / median('fastify.licenseGuardRps'),
    ],
    [
      'fastify.licenseGuardRps / fastify.unguardedRps',
      median('fastify.licenseGuardRps') / median('fastify.unguardedRps'),
    ],
    [
      'redisConsumeUs / inMemoryConsumeUs (a shared counter vs one process)',
      median('redisConsumeUs') / median('inMemoryConsumeUs'),
    ],
    [
      'databaseConsumeUs / redisConsumeUs (the durable AI count vs the Redis-only store)',
      median('databaseConsumeUs') / median('redisConsumeUs'),
    ],
    ['busConvergenceMs (median, 3 replicas)', median('busConvergenceMs')],
    ['busConvergenceP99Ms (3 replicas)', median('busConvergenceP99Ms')],
    [
      'seatClaimsPerSec / plainInsertsPerSec (3 replicas, PostgreSQL)',
      median('seatClaimsPerSec') / median('plainInsertsPerSec'),
    ],
  ];

  log('\n| figure | median | min – max | n |');
  log('|---|---:|---:|---:|');
  for (const [name, s] of Object.entries({ ...figures, ...details })) {
    log(`| ${name} | ${format(s.median)} | ${format(s.min)} – ${format(s.max)} | ${s.n} |`);
  }
  log('\n| ratio | value | target | |');
  log('|---|---:|---:|---|');
  for (const r of ratios) log(`| ${r.name} | ${format(r.value)} | ${r.op} ${r.target} | ${r.met ? 'met' : 'MISSED'} |`);
  for (const [name, value] of info) log(`| ${name} | ${format(value)} | (info) | |`);
  log('\n| ratio within each round (paired) | median | min – max | n |');
  log('|---|---:|---:|---:|');
  for (const [name, s] of Object.entries(paired)) {
    log(`| ${name} | ${format(s.median)} | ${format(s.min)} – ${format(s.max)} | ${s.n} |`);
  }

  const results = {};
  for (const [name, s] of Object.entries(figures)) setPath(results, name, s.median);
  return {
    ...results,
    ranges: { ...figures, ...details },
    ratios: ratios.concat(info.map(([name, value]) => ({ name, value }))),
    pairedRatios: paired,
    machine: { ...machine(), loadavgStart: loadStart, loadavgEnd: loadavg() },
    config: { smoke, ...config },
    generatedAt: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
  };
}

function ratio(name, value, op, target) {
  const met = op === '≥' ? value >= target : op === '≤' ? value <= target : value < target;
  return { name, value, op, target, met };
}

function setPath(target, path, value) {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] ??= {};
  node[keys[keys.length - 1]] = value;
}

function format(value) {
  const abs = Math.abs(value);
  if (abs >= 10_000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(abs >= 1 ? 2 : 3);
}

function machine() {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return { nproc: availableParallelism(), cpu, node: process.version, platform: `${process.platform}-${process.arch}` };
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
