import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { claims, issue } from '../sample/sample-fixture.js';
import { ChaosCluster } from './support/cluster.js';
import { describeFaults, faultSchedule, FaultRunner } from './support/faults.js';
import {
  checkHistory,
  checkNo500,
  checkRegister,
  tally,
  type Invariant,
  type Op,
  type Sample,
  type Violation,
} from './support/history.js';
import { Random } from './support/random.js';
import { call, Workload, type Keys } from './support/workload.js';
import { until } from '../support/poll.js';
import { specTimeout } from '../support/suite.js';

// The chaos suite (DESIGN 5e, docs/chaos.md): a seeded random mix of concurrent operations over
// three replicas of the built sample app on one PostgreSQL and one Redis, while a fault scheduler
// kills replicas, stops PostgreSQL and restarts Redis (with and without its data). Afterwards the
// history is checked against every invariant. CHAOS_SEED replays a schedule, CHAOS_SECONDS sets
// the length of the faulty phase (default 40), CHAOS_STRICT=1 fails on known failures too.

// `npm test` (and CI) replays one known schedule, so a red run means a regression, not a new draw;
// CHAOS_SEED=random explores (a new seed each run, printed), CHAOS_SEED=<n> replays n.
const DEFAULT_SEED = 9;
const SEED =
  process.env.CHAOS_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : process.env.CHAOS_SEED
      ? Number(process.env.CHAOS_SEED)
      : DEFAULT_SEED;
const RUN_MS = Number(process.env.CHAOS_SECONDS ?? 25) * 1000;
const STRICT = process.env.CHAOS_STRICT === '1';
const CLIENTS = Number(process.env.CHAOS_CLIENTS ?? 6);
const SEAT_CAP = 6; // the admin takes one
const AI_CAP = 30;
/** The bound of DESIGN 5e is 2 s (bus); the suite allows 3 s after the faults end. */
const CONVERGENCE_MS = 3_000;

/**
 * Invariants that today's main still breaks, with the issue finding and who is fixing it. They
 * are checked and reported on every run, and fail the run only with CHAOS_STRICT=1. Remove an
 * entry when its fix lands. Strict since their fixes landed: `seat-cap`, `no-lost-write` (af3ac56:
 * PATCH writes only its fields, under the seat lock); `no-500`, `no-unexpected-death`, `ai-cap`,
 * `converged-license` (the outages branch, c1fb0e1 and after); `converged-settings` (shared settings,
 * 4066d9f). Seeds 1–8 broke them before. None is known to fail today.
 */
const KNOWN_FAILURES: Partial<Record<Invariant, string>> = {};

specTimeout(RUN_MS + 300_000);

describe(`chaos: three replicas, PostgreSQL, Redis, faults (seed ${SEED}, ${RUN_MS / 1000} s)`, () => {
  let cluster: ChaosCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  it('holds every invariant of DESIGN 5e', async () => {
    const random = new Random(SEED);
    const kit = await LicenseTestKit.create();
    const other = await LicenseTestKit.create();
    const features = {
      connectors: ['sap'],
      users: { max: SEAT_CAP },
      ai: { providers: ['anthropic'], messagesPerDay: AI_CAP },
    };
    const keys: Keys = {
      A: await issue(kit, { claims: claims(features, { customer: 'Customer A' }) }),
      B: await issue(kit, { claims: claims(features, { customer: 'Customer B' }) }),
      foreign: await issue(other, { claims: claims(features, { customer: 'Foreign' }) }),
    };
    const customerOf = (token: string | undefined) =>
      token === keys.A ? 'Customer A' : token === keys.B ? 'Customer B' : token ? 'unknown key' : null;

    const setupStarted = Date.now();
    cluster = await ChaosCluster.start(kit.publicKey);
    const c = cluster;
    expect((await call(c, 0, 'POST', '/api/license/activate', { token: keys.A })).status).toBe(200);
    await until('every replica runs key A', async () => {
      const views = await Promise.all(c.replicas.map((_, n) => call(c, n, 'GET', '/api/license/status')));
      return views.every((v) => v.body?.customer === 'Customer A');
    });
    // DELETE /api/users/:id may not exist yet: a route that exists says which user is unknown.
    const probe = await call(c, 0, 'DELETE', '/api/users/u-none');
    const withDelete = probe.status === 404 && !/Cannot DELETE/.test(JSON.stringify(probe.body));
    const setupMs = Date.now() - setupStarted;

    // The run: clients, faults and the seat sampler, all against one clock.
    c.beginRun();
    const workload = new Workload(c, keys, withDelete);
    const faults = new FaultRunner(c);
    const schedule = faultSchedule(random.fork(1), RUN_MS, c.replicas.length);
    const samples: Sample[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const sample = await c.sample();
        if (sample) samples.push(sample);
        await sleep(150);
      }
    })();
    const clients = workload.run(random.fork(2), CLIENTS);
    const faulting = faults.run(schedule);
    await sleep(RUN_MS);
    workload.stop();
    faults.stop();
    await faulting;
    await clients; // every operation has its answer (or timed out)
    await c.restartMissing();
    const faultsEnded = c.elapsed();

    // Convergence: every replica on the same license and settings, and the license the database holds.
    const expected = customerOf(await c.activatedToken());
    const polls: Op[] = [];
    const snapshot = async () => {
      const views = await Promise.all(
        c.replicas.map(async (_, n) => {
          const parts = await Promise.all(
            ['/api/license', '/api/settings/framework/license', '/api/settings/connectors'].map(async (path) => {
              const invokedAt = c.elapsed();
              const answer = await call(c, n, 'GET', path);
              polls.push({
                id: -1,
                client: -1,
                replica: n,
                type: 'read',
                invokedAt,
                completedAt: c.elapsed(),
                ...(answer.status ? { status: answer.status } : {}),
                value: `GET ${path}`,
              });
              return answer.status === 200 ? answer.body : { unavailable: answer.status ?? answer.error };
            }),
          );
          const [license, settings, connectors] = parts as [any, any, any];
          return {
            // Enforcement is a setting: compared with the settings, and what the license runs with.
            license: { status: license.status, customer: license.customer ?? null },
            settings: { ...settings, applied: license.enforcement },
            connectors: Array.isArray(connectors)
              ? Object.fromEntries(connectors.map((x: { id: string; licensed: boolean }) => [x.id, x.licensed]))
              : connectors,
          };
        }),
      );
      return views;
    };
    type View = Awaited<ReturnType<typeof snapshot>>[number];
    const same = (views: View[], part: keyof View) =>
      views.every((v) => JSON.stringify(v[part]) === JSON.stringify(views[0][part]));
    const licenseAgrees = (views: View[]) =>
      same(views, 'license') &&
      views[0].license.customer === expected &&
      views[0].license.status === (expected ? 'accepted' : 'not-configured');
    const settingsAgree = (views: View[]) => same(views, 'settings') && same(views, 'connectors');
    let views = await snapshot();
    const agreedAfter: { license?: number; settings?: number } = {};
    for (const deadline = Date.now() + 20_000; ; views = await snapshot()) {
      if (licenseAgrees(views)) agreedAfter.license ??= c.elapsed() - faultsEnded;
      else delete agreedAfter.license;
      if (settingsAgree(views)) agreedAfter.settings ??= c.elapsed() - faultsEnded;
      else delete agreedAfter.settings;
      if ((agreedAfter.license !== undefined && agreedAfter.settings !== undefined) || Date.now() > deadline) break;
      await sleep(100);
    }
    const converged = (
      invariant: 'converged-license' | 'converged-settings',
      after: number | undefined,
      what: (v: View) => unknown,
    ): Violation[] =>
      after === undefined
        ? [
            {
              invariant,
              message: `replicas still disagree 20 s after the faults ended (database: ${expected ?? 'no key'}): ${views.map((v, n) => `replica ${n + 1} ${JSON.stringify(what(v))}`).join('; ')}`,
            },
          ]
        : after > CONVERGENCE_MS
          ? [
              {
                invariant,
                message: `replicas agreed only ${after} ms after the faults ended (bound ${CONVERGENCE_MS} ms)`,
              },
            ]
          : [];
    const convergence = [
      ...converged('converged-license', agreedAfter.license, (v) => v.license),
      ...converged('converged-settings', agreedAfter.settings, (v) => ({ ...v.settings, connectors: v.connectors })),
    ];
    sampling = false;
    await sampler;

    // The final state: what the database holds and what the replicas agreed on.
    const history = workload.history;
    const final = views[0];
    const writes = (type: Op['type'], value: (op: Op) => unknown = (op) => op.value) =>
      history.filter((op) => op.type === type).map((op) => ({ op, value: value(op) }));
    const registers: Violation[] = [
      ...checkRegister(
        'the activated key',
        'Customer A',
        [
          ...writes('activate', (op) =>
            op.value === 'A' ? 'Customer A' : op.value === 'B' ? 'Customer B' : 'Foreign',
          ),
          ...writes('deactivate', () => null),
        ],
        expected,
      ),
    ];
    // Settings are compared with their writes only when the replicas agree (else `converged` says it).
    if (agreedAfter.settings !== undefined)
      registers.push(
        ...checkRegister('enforcement', 'restricted', writes('enforcement'), final.settings.enforcement),
        ...checkRegister('public_key_path', 'public.pem', writes('public-key-path'), final.settings.public_key_path),
        ...['rest', 'postgres'].flatMap((id) =>
          checkRegister(
            `connector ${id} licensed`,
            false,
            history
              .filter((op) => op.type === 'connector' && (op.value as { connector: string }).connector === id)
              .map((op) => ({ op, value: (op.value as { licensed: boolean }).licensed })),
            final.connectors[id],
          ),
        ),
      );
    const violations = [
      ...checkHistory({
        history,
        samples,
        finalUsers: await c.finalUsers(),
        deaths: c.deaths,
        seatCap: SEAT_CAP,
        aiCap: AI_CAP,
        propagationMs: CONVERGENCE_MS,
      }),
      ...checkNo500(polls),
      ...registers,
      ...convergence,
    ];

    // The report: always the seed and a summary; the history in a file for a closer look.
    const historyFile = join(tmpdir(), `liberty-chaos-${SEED}.json`);
    await writeFile(
      historyFile,
      JSON.stringify(
        { seed: SEED, runMs: RUN_MS, schedule, faults: faults.log, history, samples, deaths: c.deaths },
        null,
        1,
      ),
    );
    const byInvariant = new Map<Invariant, Violation[]>();
    for (const v of violations) byInvariant.set(v.invariant, [...(byInvariant.get(v.invariant) ?? []), v]);
    const failing = [...byInvariant.keys()].filter((invariant) => STRICT || !KNOWN_FAILURES[invariant]);
    const summary = [
      `chaos seed ${SEED} (replay: CHAOS_SEED=${SEED} CHAOS_SECONDS=${RUN_MS / 1000} npm run test:chaos)`,
      `setup ${(setupMs / 1000).toFixed(1)} s, run ${RUN_MS / 1000} s, ${history.length} ops by ${CLIENTS} clients (ok/fail/info): ${tally(history)}`,
      `delete: ${withDelete ? 'on' : 'off (no DELETE /api/users/:id)'}; samples: ${samples.length}, max enabled ${Math.max(...samples.map((s) => s.enabled))} (cap ${SEAT_CAP})`,
      `faults: ${describeFaults(faults.log)}`,
      `converged: license ${agreedAfter.license ?? 'no'} ms, settings ${agreedAfter.settings ?? 'no'} ms after the faults ended; history: ${historyFile}`,
      ...[...byInvariant].map(
        ([invariant, list]) =>
          `${failing.includes(invariant) ? 'VIOLATED' : 'known failure'} ${invariant} (${list.length})${KNOWN_FAILURES[invariant] ? ` — ${KNOWN_FAILURES[invariant]}` : ''}:\n  ${list
            .slice(0, 5)
            .map((v) => v.message)
            .join('\n  ')}`,
      ),
    ].join('\n');
    console.log(summary);
    if (failing.length > 0) throw new Error(`${summary}\n\nreplica logs:\n${c.logTails()}`);
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
