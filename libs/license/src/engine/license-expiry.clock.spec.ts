import { jest } from '@jest/globals';
import type { LicenseEvent } from '../interfaces/license-events.interface.js';
import { LicenseExpiryClock, type LicenseExpiry } from './license-expiry.clock.js';
import { stateFromVerification } from '../state/license-state.util.js';
import type { LicenseState } from '../interfaces/license-state.interface.js';
import type { LicenseClaims } from '../verification/license-claims.validator.js';

const DAY_MS = 86_400_000;
const NOW = new Date('2026-05-01T00:00:00Z');

function accepted(expiresAt: Date, customer = 'Acme Corp'): LicenseState {
  const claims = {
    customer,
    exp: expiresAt.getTime() / 1000,
    iat: NOW.getTime() / 1000 - DAY_MS / 1000,
  } as LicenseClaims;
  return stateFromVerification({ status: 'accepted', claims }, { enforcement: 'restricted', now: new Date() });
}

/** Stands in for LicenseService: it holds the snapshot and records what the clock found due. */
function clockWith(state: LicenseState, graceDays = 0) {
  const host = {
    current: state,
    events: [] as LicenseEvent[],
    applied: [] as Array<{ state: LicenseState; expired?: LicenseExpiry }>,
    clockWarnings: [] as string[],
  };
  const clock: LicenseExpiryClock = new LicenseExpiryClock(
    () => ({
      now: new Date(),
      clockWarnings: host.clockWarnings.splice(0),
      state: host.current,
      expiryWarningDays: [30, 7],
      graceDays,
    }),
    (due) => {
      if (due.kind === 'announce') {
        host.events.push(due.event);
        return;
      }
      host.current = due.state;
      if (due.kind === 'clock-warning') return;
      host.applied.push({ state: due.state, ...(due.kind === 'expired' ? { expired: due.expiry } : {}) });
      clock.applied('key');
    },
  );
  clock.applied('key'); // as the module's first verification does, before bootstrap
  return { clock, host };
}

beforeEach(() => {
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('LicenseExpiryClock', () => {
  it('does nothing before start(): no announcement and no timer', () => {
    const { clock, host } = clockWith(accepted(new Date(NOW.getTime() + 10 * DAY_MS)));
    clock.applied('key');
    expect(host.events).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('announces each threshold once per key, expires the key at exp, and stops with one timer at most', () => {
    const expiresAt = new Date(NOW.getTime() + 10 * DAY_MS);
    const { clock, host } = clockWith(accepted(expiresAt));
    clock.start();
    expect(host.events.map((e) => e.type === 'license.expiring' && e.thresholdDays)).toEqual([30]);
    expect(jest.getTimerCount()).toBe(1);

    clock.applied('key'); // the same key again: nothing new to announce
    expect(host.events).toHaveLength(1);

    jest.advanceTimersByTime(3 * DAY_MS + 1000);
    expect(host.events.map((e) => e.type === 'license.expiring' && e.thresholdDays)).toEqual([30, 7]);
    expect(jest.getTimerCount()).toBe(1);

    jest.advanceTimersByTime(7 * DAY_MS);
    expect(host.applied).toHaveLength(1);
    expect(host.applied[0].state).toMatchObject({ status: 'rejected', reason: 'expired (2026-05-11)' });
    expect(host.applied[0].expired).toEqual({ expiresAt });
    expect(jest.getTimerCount()).toBe(0); // a rejected key needs no timer

    clock.stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('starts the announcements afresh for another key', () => {
    const { clock, host } = clockWith(accepted(new Date(NOW.getTime() + 10 * DAY_MS)));
    clock.start();
    host.current = accepted(new Date(NOW.getTime() + 20 * DAY_MS), 'Beta GmbH');
    clock.applied('another key');
    expect(host.events.map((e) => e.type === 'license.expiring' && e.daysLeft)).toEqual([10, 20]);
  });

  it('enters the grace period at exp, announces it once, and expires the key when it ends', () => {
    const expiresAt = new Date(NOW.getTime() + DAY_MS);
    const { clock, host } = clockWith(accepted(expiresAt), 2);
    clock.start();
    jest.advanceTimersByTime(DAY_MS + 1000);
    expect(host.current.grace?.endsAt).toEqual(new Date(expiresAt.getTime() + 2 * DAY_MS));
    expect(host.events.filter((e) => e.type === 'license.grace')).toHaveLength(1);
    jest.advanceTimersByTime(2 * DAY_MS);
    expect(host.current.status).toBe('rejected');
    expect(host.applied.at(-1)?.expired).toEqual({
      expiresAt,
      graceEndedAt: new Date(expiresAt.getTime() + 2 * DAY_MS),
    });
    expect(host.events.filter((e) => e.type === 'license.grace')).toHaveLength(1);
  });

  it('adds a clock warning to the snapshot without applying it', () => {
    const { clock, host } = clockWith(accepted(new Date(NOW.getTime() + 100 * DAY_MS)));
    host.clockWarnings.push('wall clock moved back 600 s behind the last verification');
    clock.start();
    expect(host.current.warnings).toEqual(['wall clock moved back 600 s behind the last verification']);
    expect(host.applied).toEqual([]);
  });

  it('arms no timer after stop(), even when applied() follows', () => {
    const { clock } = clockWith(accepted(new Date(NOW.getTime() + 10 * DAY_MS)));
    clock.start();
    clock.stop();
    clock.applied('key');
    expect(jest.getTimerCount()).toBe(0);
  });
});
