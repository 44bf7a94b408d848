import { LicenseService, type LicenseState } from '@liberty/license';
import { LicenseTestKit } from '@liberty/license/testing';
import type { Response } from 'supertest';
import { claims, issue, SampleApp } from '../sample/sample-fixture.js';
import { KeepAliveClient } from './hardening-support.js';
import { specTimeout } from '../support/suite.js';

// Concurrency: requests racing re-verifications and settings changes never see a torn license
// state, and seat / AI caps hold exactly under a burst. Requests go over a bounded pool of
// keep-alive connections (64), all issued at once.

specTimeout(60_000);

/** What keys A and B grant. A whole state is one of these, never a mix. */
const GRANTS = {
  'Customer A': { connectors: ['sap'], apps: ['nomajde'], ai: ['anthropic'], products: ['pika'] },
  'Customer B': { connectors: ['snowflake'], apps: ['nomasx-1'], ai: ['mistral'], products: ['vera'] },
} as const;
type Customer = keyof typeof GRANTS;
const FEATURES = [
  'connector:sap',
  'connector:snowflake',
  'app:nomajde',
  'app:nomasx-1',
  'ai:anthropic',
  'ai:mistral',
  'product:pika',
  'product:vera',
];

const featuresOf = (customer: Customer) => {
  const g = GRANTS[customer];
  return [
    ...g.connectors.map((c) => `connector:${c}`),
    ...g.apps.map((a) => `app:${a}`),
    ...g.ai.map((p) => `ai:${p}`),
    ...g.products.map((p) => `product:${p}`),
  ].sort();
};
const otherOf = (customer: Customer): Customer => (customer === 'Customer A' ? 'Customer B' : 'Customer A');

/**
 * Samples the service between event-loop turns while requests are in flight: what `isLicensed()`
 * (read by the guard and the registries) says must agree with the snapshot in `state`, and the
 * enforcement the guard uses with the snapshot's.
 */
function startSampler(license: LicenseService) {
  let running = true;
  let samples = 0;
  const torn: string[] = [];
  // Bounded: a failing test that never calls stop() must not keep the worker spinning.
  const deadline = Date.now() + 30_000;
  const loop = () => {
    if (!running || Date.now() > deadline) return;
    samples++;
    const state = license.state;
    for (const feature of FEATURES) {
      if (license.isLicensed(feature) !== state.entitlements.features.has(feature)) {
        torn.push(`isLicensed(${feature}) disagrees with state (${state.claims?.customer})`);
      }
    }
    if (license.enforcement !== state.enforcement)
      torn.push(`enforcement ${license.enforcement} but state says ${state.enforcement}`);
    setImmediate(loop);
  };
  setImmediate(loop);
  return { stop: () => ((running = false), { samples, torn }) };
}

/** A snapshot is whole: its entitlements are exactly what its claims grant. */
function snapshotProblems(state: LicenseState): string[] {
  const customer = state.claims?.customer as Customer | undefined;
  if (state.status !== 'accepted' || !customer || !(customer in GRANTS))
    return [`unexpected snapshot ${state.status} ${customer}`];
  const features = [...state.entitlements.features].sort();
  return JSON.stringify(features) === JSON.stringify(featuresOf(customer))
    ? []
    : [`${customer} snapshot with ${features.join(',')}`];
}

describe('concurrency', () => {
  let kit: LicenseTestKit;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });

  describe('1 000 concurrent requests while reverify() flips between two keys', () => {
    let sample: SampleApp;
    let client: KeepAliveClient;
    let license: LicenseService;
    const keys = {} as Record<Customer, string>;

    beforeAll(async () => {
      for (const customer of Object.keys(GRANTS) as Customer[]) {
        const g = GRANTS[customer];
        keys[customer] = await issue(kit, {
          claims: claims(
            { connectors: g.connectors, apps: g.apps, ai: { providers: g.ai, messagesPerDay: 10_000 } },
            { customer, products: g.products },
          ),
        });
      }
      sample = await SampleApp.start(kit, { token: keys['Customer A'] });
      client = new KeepAliveClient(sample);
      license = sample.app.get(LicenseService);
    });
    afterAll(async () => {
      client?.destroy();
      await sample?.close();
    });

    /** Checks one response against "exactly one of the two whole states"; returns the customer seen, if any. */
    function check(route: string, response: Response): Customer | undefined {
      const fail = (why: string) => {
        throw new Error(`${route}: ${why}: ${response.status} ${response.text}`);
      };
      const body = response.body;
      switch (route) {
        case 'license':
        case 'reverify': {
          if (response.status !== 200 || body.status !== 'accepted') fail('not an accepted view');
          const customer = body.customer as Customer;
          const g = GRANTS[customer] ?? fail('unknown customer');
          const ids = (list: Array<{ id: string }>) => list.map((x) => x.id);
          if (JSON.stringify(ids(body.connectors)) !== JSON.stringify(g.connectors))
            fail('connectors of the other key');
          if (JSON.stringify(ids(body.apps)) !== JSON.stringify(g.apps)) fail('apps of the other key');
          if (JSON.stringify(body.ai.providers) !== JSON.stringify(g.ai)) fail('AI providers of the other key');
          return customer;
        }
        case 'status': {
          const customer = body.customer as Customer;
          if (
            !(customer in GRANTS) ||
            body.valid !== true ||
            JSON.stringify(body.products) !== JSON.stringify(GRANTS[customer].products)
          ) {
            fail('torn ai.doo status');
          }
          return customer;
        }
        case 'catalogue': {
          const connectors = (body.connectors as Array<{ id: string }>)
            .map((c) => c.id)
            .filter((id) => id !== 'postgres' && id !== 'rest');
          const apps = (body.apps as Array<{ id: string }>).map((a) => a.id);
          const customer = (Object.keys(GRANTS) as Customer[]).find((c) => GRANTS[c].connectors[0] === connectors[0]);
          if (!customer || connectors.length !== 1 || JSON.stringify(apps) !== JSON.stringify(GRANTS[customer].apps))
            fail('catalogue mixes keys');
          return customer;
        }
        case 'tools': {
          const connectors = [...new Set((body as Array<{ connector: string }>).map((t) => t.connector))].filter(
            (id) => id !== 'postgres' && id !== 'rest',
          );
          if (connectors.length !== 1) fail('tools of both or neither key');
          return (Object.keys(GRANTS) as Customer[]).find((c) => GRANTS[c].connectors[0] === connectors[0]);
        }
        case 'settings': {
          const active = (body as Array<{ id: string; state: string; lockedReason: string | null }>)
            .filter((c) => c.id === 'sap' || c.id === 'snowflake' || c.id === 'jdedwards')
            .filter((c) => c.state === 'active');
          if (active.length !== 1) fail('both or neither licensed connector active');
          return (Object.keys(GRANTS) as Customer[]).find((c) => GRANTS[c].connectors[0] === active[0].id);
        }
        case 'sap':
        case 'snowflake': {
          if (response.status === 200) return route === 'sap' ? 'Customer A' : 'Customer B';
          // Locked by the guard: its body reports the license state it decided on, whole.
          if (
            response.status !== 403 ||
            body.code !== 'LICENSE_REQUIRED' ||
            body.licenseStatus !== 'accepted' ||
            body.reason !== null
          ) {
            fail('neither served nor a coherent 403');
          }
          return route === 'sap' ? 'Customer B' : 'Customer A';
        }
        default:
          return fail('unknown route');
      }
    }

    it('every response and every snapshot is one whole state; isLicensed() and the guard never disagree with state', async () => {
      const snapshots: string[] = [];
      const subscription = license.state$.subscribe((state) => {
        snapshots.push(...snapshotProblems(state));
        // Subscribers run inside the swap: the lookups must already agree with the new snapshot.
        for (const feature of FEATURES) {
          if (license.isLicensed(feature) !== state.entitlements.features.has(feature))
            snapshots.push(`isLicensed(${feature}) lags state$`);
        }
      });
      const sampler = startSampler(license);
      let flips = 0;
      let done = false;
      const flipper = (async () => {
        let next: Customer = 'Customer B';
        while (!done) {
          process.env[sample.keyVar] = keys[next];
          const state = await license.reverify();
          if (state.claims?.customer !== next)
            throw new Error(`reverify() returned ${state.claims?.customer}, expected ${next}`);
          flips++;
          next = otherOf(next);
        }
      })();

      const routes: Array<[string, () => Promise<Response>]> = [
        ['license', () => client.send('get', '/api/license')],
        ['status', () => client.send('get', '/api/license/status')],
        ['catalogue', () => client.send('get', '/api/catalogue')],
        ['tools', () => client.send('get', '/api/ai/tools')],
        ['settings', () => client.send('get', '/api/settings/connectors')],
        ['sap', () => client.send('get', '/api/connectors/sap/tables')],
        ['snowflake', () => client.send('get', '/api/connectors/snowflake/warehouses')],
        ['license', () => client.send('get', '/api/license')],
        ['reverify', () => client.send('post', '/api/license/reverify')],
        ['sap', () => client.send('get', '/api/connectors/sap')],
      ];
      let results: Array<[string, Response]>;
      try {
        results = await Promise.all(
          Array.from({ length: 1000 }, (_, i) => {
            const [route, send] = routes[i % routes.length];
            return send().then((response) => [route, response] as [string, Response]);
          }),
        );
      } finally {
        done = true;
        subscription.unsubscribe();
        sampler.stop();
        await flipper;
      }
      const { samples, torn } = sampler.stop();

      const seen = new Map<Customer | undefined, number>();
      for (const [route, response] of results) {
        const customer = check(route, response);
        seen.set(customer, (seen.get(customer) ?? 0) + 1);
      }
      expect(results).toHaveLength(1000);
      expect(snapshots).toEqual([]);
      expect(torn).toEqual([]);
      // Not vacuous: the keys really flipped under the load, and both states were served.
      expect(flips).toBeGreaterThanOrEqual(2);
      expect(samples).toBeGreaterThanOrEqual(20);
      expect(seen.get('Customer A')).toBeGreaterThan(0);
      expect(seen.get('Customer B')).toBeGreaterThan(0);
    });

    it('settings changes of enforcement racing requests: the guard always decides with the enforcement of the current snapshot', async () => {
      process.env[sample.keyVar] = keys['Customer A'];
      await license.reverify();
      const sampler = startSampler(license);
      const puts: Promise<Response>[] = [];
      const gets: Promise<Response>[] = [];
      for (let i = 0; i < 20; i++) {
        puts.push(
          client.send('put', '/api/settings/framework/license', { enforcement: i % 2 === 0 ? 'soft' : 'restricted' }),
        );
        for (let j = 0; j < 10; j++) gets.push(client.send('get', '/api/connectors/snowflake/warehouses'));
      }
      const [putResponses, getResponses] = await Promise.all([Promise.all(puts), Promise.all(gets)]).finally(() =>
        sampler.stop(),
      );
      const { samples, torn } = sampler.stop();
      expect(putResponses.map((r) => r.status)).toEqual(Array(20).fill(200));
      for (const r of getResponses) {
        // Soft: served. Restricted: the library's 403, reporting the accepted state.
        if (r.status !== 200)
          expect(r.body).toMatchObject({
            statusCode: 403,
            code: 'LICENSE_REQUIRED',
            licenseStatus: 'accepted',
            reason: null,
          });
      }
      expect(torn).toEqual([]);
      expect(samples).toBeGreaterThan(0);
      expect(license.state.enforcement).toBe('restricted');
      expect(license.enforcement).toBe('restricted');
    });
  });

  it('200 concurrent user creations (and re-enables) at the cap: exactly the free seats are taken', async () => {
    const sample = await SampleApp.start(kit, { token: await issue(kit, { claims: claims({ users: { max: 40 } }) }) });
    const client = new KeepAliveClient(sample);
    try {
      for (let i = 0; i < 10; i++)
        expect(
          (await sample.call('post', '/api/users', { body: { name: `enabled ${i}`, permissions: [] } })).status,
        ).toBe(201);
      const disabled: string[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await sample.call('post', '/api/users', {
          body: { name: `disabled ${i}`, permissions: [], enabled: false },
        });
        disabled.push(response.body.id);
      }
      const free = 40 - 11; // the built-in admin and 10 users hold seats; disabled users hold none
      const license = sample.app.get(LicenseService);
      const reverifies = Array.from({ length: 5 }, () => license.reverify());
      const [creates, enables] = await Promise.all([
        Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            client.send('post', '/api/users', { name: `burst ${i}`, permissions: [] }),
          ),
        ),
        Promise.all(disabled.map((id) => client.send('patch', `/api/users/${id}`, { enabled: true }))),
        Promise.all(reverifies),
      ]);
      const all = [...creates, ...enables];
      const taken = all.filter((r) => r.status === 201 || r.status === 200);
      const refused = all.filter((r) => r.status === 402);
      expect(taken).toHaveLength(free);
      expect(refused).toHaveLength(all.length - free);
      for (const r of refused)
        expect(r.body).toEqual({
          statusCode: 402,
          code: 'SEAT_LIMIT_REACHED',
          message: expect.any(String),
          max: 40,
          count: 40,
        });
      expect((await sample.get('/api/license')).body.users).toEqual({
        count: 40,
        max: 40,
        percent: 100,
        level: 'full',
      });
      const users = (await sample.get('/api/users')).body as Array<{ enabled: boolean }>;
      expect(users.filter((u) => u.enabled)).toHaveLength(40);
      // Every created user is a real one (201 carries a token that works).
      const created = creates.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThan(0);
      expect((await sample.get('/api/me', created[0].body.token)).status).toBe(200);
    } finally {
      client.destroy();
      await sample.close();
    }
  });

  it('500 concurrent AI messages near the cap: exactly the cap is accepted, each count handed out once', async () => {
    const cap = 300;
    const token = await issue(kit, { claims: claims({ ai: { providers: ['anthropic'], messagesPerDay: cap } }) });
    const sample = await SampleApp.start(kit, { token });
    const client = new KeepAliveClient(sample);
    const message = (provider = 'anthropic') => client.send('post', '/api/ai/messages', { provider, message: 'hello' });
    try {
      const warmup = await Promise.all(Array.from({ length: 250 }, () => message()));
      expect(warmup.every((r) => r.status === 200)).toBe(true);
      const license = sample.app.get(LicenseService);
      const [burst, unlicensed] = await Promise.all([
        Promise.all(Array.from({ length: 500 }, () => message())),
        Promise.all(Array.from({ length: 20 }, () => message('openai'))),
        Promise.all(Array.from({ length: 3 }, () => license.reverify())),
      ]);
      const accepted = burst.filter((r) => r.status === 200);
      const limited = burst.filter((r) => r.status === 429);
      expect(accepted).toHaveLength(cap - 250);
      expect(limited).toHaveLength(500 - (cap - 250));
      expect(accepted.map((r) => r.body.usage.usedToday).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => 251 + i),
      );
      for (const r of limited) {
        expect(r.body).toMatchObject({ code: 'AI_MESSAGE_LIMIT_REACHED', limit: cap });
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      expect(unlicensed.every((r) => r.status === 403 && r.body.code === 'AI_PROVIDER_NOT_LICENSED')).toBe(true);
      expect((await sample.get('/api/license')).body.ai).toEqual({
        providers: ['anthropic'],
        messagesPerDay: cap,
        usedToday: cap,
      });
    } finally {
      client.destroy();
      await sample.close();
    }
  });
});
