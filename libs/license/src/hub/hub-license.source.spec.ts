import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { HubLicenseSource } from './hub-license.source.js';
import type { ResolvedHubOptions } from '../interfaces/license-hub-options.interface.js';
import type { HubFetchResult } from './license-hub.client.js';

const OPTIONS: ResolvedHubOptions = {
  url: 'http://hub.test/api/license/status',
  refreshSeconds: 3600,
  maxStaleSeconds: 259_200,
  retryMaxSeconds: 60,
  timeoutMs: 5000,
  startupWaitMs: 5000,
};
const ANSWER: HubFetchResult & { ok: true } = {
  ok: true,
  status: {
    valid: true,
    customer: 'Acme',
    tier: 'enterprise',
    seats: 3,
    products: ['pika'],
    expires_at: 4_102_444_800,
    error: '',
  },
};
const DOWN: HubFetchResult = { ok: false, warning: 'license hub unreachable (ECONNREFUSED)' };

/** A client whose answers the test scripts, counting the calls. */
function client(answer: () => Promise<HubFetchResult>) {
  const calls: number[] = [];
  return { calls, fetchStatus: () => (calls.push(Date.now()), answer()) };
}

beforeAll(() => Logger.overrideLogger(false));
afterEach(() => jest.useRealTimers());

describe('HubLicenseSource', () => {
  /** Advances fake time to just before and then to each expected request, checking the calls. */
  async function expectRequestsAfter(fake: { calls: number[] }, delaysMs: number[]): Promise<void> {
    for (const ms of delaysMs) {
      const before = fake.calls.length;
      await jest.advanceTimersByTimeAsync(ms - 1);
      expect(fake.calls).toHaveLength(before);
      await jest.advanceTimersByTimeAsync(1);
      expect(fake.calls).toHaveLength(before + 1);
    }
  }

  it('retries a failing hub with full-jitter exponential backoff capped at 60 s, then the normal interval', async () => {
    jest.useFakeTimers();
    let result: HubFetchResult = DOWN;
    const fake = client(async () => result);
    let draw = 0.999;
    const source = new HubLicenseSource({ ...OPTIONS }, fake, { now: () => Date.now(), random: () => draw });
    const changed = jest.fn();
    await source.refresh('soft');
    source.start(changed);
    // random ≈ 1: the ceiling itself, 1 s × 2^n, capped at 60 s.
    await expectRequestsAfter(fake, [999, 1998, 3996, 7992, 15_984, 31_968, 59_940, 59_940]);
    // random 0.25: a quarter of the ceiling (so two satellites do not retry in lockstep).
    draw = 0.25; // drawn when the next retry is armed
    await expectRequestsAfter(fake, [59_940, 15_000]);
    expect(changed).toHaveBeenCalledTimes(10);
    result = ANSWER;
    await jest.advanceTimersByTimeAsync(15_000);
    expect(source.current('soft').status).toBe('accepted');
    await expectRequestsAfter(fake, [3_600_000]);
    source.stop();
    const before = fake.calls.length;
    await jest.advanceTimersByTimeAsync(7_200_000);
    expect(fake.calls).toHaveLength(before);
  });

  it('retryMaxSeconds lowers the cap; a retry never waits longer than refreshSeconds nor less than 100 ms', async () => {
    jest.useFakeTimers();
    const fake = client(async () => DOWN);
    let draw = 0.999;
    const source = new HubLicenseSource({ ...OPTIONS, retryMaxSeconds: 3, refreshSeconds: 2 }, fake, {
      now: () => Date.now(),
      random: () => draw,
    });
    await source.refresh('soft');
    source.start(() => undefined);
    await expectRequestsAfter(fake, [999, 1998, 2000, 2000]);
    draw = 0;
    await expectRequestsAfter(fake, [2000, 100, 100]);
    source.stop();
  });

  it('trusts the last good answer for maxStaleSeconds, then "hub unreachable"; never past its expires_at', async () => {
    jest.useFakeTimers();
    let result: HubFetchResult = ANSWER;
    const fake = client(async () => result);
    const source = new HubLicenseSource({ ...OPTIONS, maxStaleSeconds: 600 }, fake, {
      now: () => Date.now(),
      random: () => 0.999,
    });
    expect((await source.refresh('soft')).status).toBe('accepted');
    const changed = jest.fn();
    source.start(changed);
    result = DOWN;
    await source.refresh('soft');
    const stale = source.current('soft');
    expect(stale.status).toBe('accepted');
    expect(stale.warnings[0]).toBe('license hub unreachable (ECONNREFUSED)');
    expect(stale.warnings[1]).toMatch(/^keeping the hub's answer of \S+Z until \S+Z$/);
    await jest.advanceTimersByTimeAsync(599_000);
    expect(source.current('soft').status).toBe('accepted');
    changed.mockClear();
    await jest.advanceTimersByTimeAsync(1_001);
    expect(changed).toHaveBeenCalled();
    const gone = source.current('soft');
    expect(gone).toMatchObject({ status: 'rejected', reason: 'hub unreachable' });
    expect(gone.entitlements.features.size).toBe(0);
    expect(gone.claims?.customer).toBe('Acme'); // still shown, as after any rejection
    // A good answer brings it back.
    result = ANSWER;
    expect((await source.refresh('soft')).status).toBe('accepted');
    source.stop();

    // An answer expiring before maxStaleSeconds is kept only until it expires.
    const soon = { ok: true as const, status: { ...ANSWER.status, expires_at: Math.floor(Date.now() / 1000) + 60 } };
    const short = new HubLicenseSource(
      { ...OPTIONS },
      client(async () => soon),
      { now: () => Date.now(), random: () => 0.5 },
    );
    await short.refresh('soft');
    jest.advanceTimersByTime(61_000);
    expect(short.current('soft').reason).toMatch(/^expired \(/);
  });

  it('a 401/403 from the hub ends the trust at once', async () => {
    let result: HubFetchResult = ANSWER;
    const source = new HubLicenseSource(
      OPTIONS,
      client(async () => result),
    );
    expect((await source.refresh('soft')).status).toBe('accepted');
    result = {
      ok: false,
      warning: 'license hub unreachable (HTTP 401; check the token, it needs license:read)',
      refused: 401,
    };
    const state = await source.refresh('soft');
    expect(state).toMatchObject({ status: 'rejected', reason: 'hub refused the token (HTTP 401)' });
    expect(state.warnings).toEqual(['license hub unreachable (HTTP 401; check the token, it needs license:read)']);
    result = ANSWER;
    expect((await source.refresh('soft')).status).toBe('accepted');
  });

  it("judges expiry by the hub's clock (its Date header) and warns when the clocks differ by more than 5 minutes", async () => {
    const now = Date.now();
    const hubClock = now - 15 * 60_000; // this satellite runs 15 min ahead of the hub
    const answer: HubFetchResult = {
      ok: true,
      hubTime: hubClock,
      status: { ...ANSWER.status, expires_at: Math.floor(hubClock / 1000) + 600 },
    };
    const source = new HubLicenseSource(
      OPTIONS,
      client(async () => answer),
      { now: () => now, random: () => 0.5 },
    );
    const state = await source.refresh('soft');
    expect(state.status).toBe('accepted'); // by the local clock it expired 5 min ago
    expect(state.warnings).toEqual([
      "this clock is 900 s ahead of the hub's (more than 300 s); expiry is judged by the hub's clock",
    ]);
    expect(Math.round((source.now().getTime() - hubClock) / 1000)).toBe(0);
    const close = new HubLicenseSource(
      OPTIONS,
      client(async () => ({ ...answer, hubTime: now - 60_000 })),
      { now: () => now, random: () => 0.5 },
    );
    expect((await close.refresh('soft')).warnings).toEqual([]);
  });

  it('announces an answer that arrived after startup stopped waiting, even before start()', async () => {
    let release!: (r: HubFetchResult) => void;
    const fake = client(() => new Promise((resolve) => (release = resolve)));
    const source = new HubLicenseSource({ ...OPTIONS, startupWaitMs: 10 }, fake);
    const first = await source.refresh('restricted');
    expect(first.status).toBe('not-configured');
    expect(first.warnings).toEqual(['license hub unreachable (no answer within 10 ms at startup; still waiting)']);
    release(ANSWER);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const changed = jest.fn();
    source.start(changed);
    expect(changed).toHaveBeenCalledTimes(1);
    expect(source.current('soft')).toMatchObject({ status: 'accepted', enforcement: 'soft' });
    expect(fake.calls).toHaveLength(1);
    source.stop();
  });

  it('builds the snapshot: products → features, seats → cap, the URL as source', async () => {
    const source = new HubLicenseSource(
      OPTIONS,
      client(async () => ANSWER),
    );
    const state = await source.refresh('restricted');
    expect([...state.entitlements.features]).toEqual(['product:pika']);
    expect(state.entitlements.maxUsers).toBe(3);
    expect(state.source).toBe('http://hub.test/api/license/status');
    expect(state.expiresAt).toEqual(new Date(4_102_444_800_000));
  });
});
