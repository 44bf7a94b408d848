import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { HubLicenseSource } from './hub-license-source.js';
import type { ResolvedHubOptions } from '../interfaces/license-hub-options.interface.js';
import type { HubFetchResult } from './license-hub-client.js';

const OPTIONS: ResolvedHubOptions = { url: 'http://hub.test/api/license/status', refreshSeconds: 3600, timeoutMs: 5000, startupWaitMs: 5000 };
const ANSWER: HubFetchResult = {
  ok: true,
  status: { valid: true, customer: 'Acme', tier: 'enterprise', seats: 3, products: ['pika'], expires_at: 4_102_444_800, error: '' },
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
  it('retries a failing hub with backoff: 5 s, 10 s, 20 s, … up to refreshSeconds, then the normal interval', async () => {
    jest.useFakeTimers();
    let result: HubFetchResult = DOWN;
    const fake = client(async () => result);
    const source = new HubLicenseSource({ ...OPTIONS, refreshSeconds: 30 }, fake);
    const changed = jest.fn();
    await source.refresh('restricted');
    source.start(changed);
    for (const seconds of [5, 10, 20, 30, 30]) {
      const before = fake.calls.length;
      await jest.advanceTimersByTimeAsync(seconds * 1000 - 1);
      expect(fake.calls).toHaveLength(before);
      await jest.advanceTimersByTimeAsync(1);
      expect(fake.calls).toHaveLength(before + 1);
    }
    expect(changed).toHaveBeenCalledTimes(5);
    result = ANSWER;
    await jest.advanceTimersByTimeAsync(30_000);
    expect(source.current('restricted').status).toBe('accepted');
    const before = fake.calls.length;
    await jest.advanceTimersByTimeAsync(29_999);
    expect(fake.calls).toHaveLength(before);
    await jest.advanceTimersByTimeAsync(1);
    expect(fake.calls).toHaveLength(before + 1);
    source.stop();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(fake.calls).toHaveLength(before + 1);
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
    const source = new HubLicenseSource(OPTIONS, client(async () => ANSWER));
    const state = await source.refresh('restricted');
    expect([...state.entitlements.features]).toEqual(['product:pika']);
    expect(state.entitlements.maxUsers).toBe(3);
    expect(state.source).toBe('http://hub.test/api/license/status');
    expect(state.expiresAt).toEqual(new Date(4_102_444_800_000));
  });
});
