// A fake clock for tests about time passing (a key or a cached answer expiring, a retry backoff):
// Jest's fake timers and Date, with real I/O. Nobody waits in real time for an expiry; the test moves
// the clock and then waits — in real time, briefly — only for what sockets or crypto bring back.
import { jest } from '@jest/globals';

// Kept before any test fakes the clock.
const realSetTimeout = globalThis.setTimeout;

/** Fakes timers and Date from now on — not nextTick, setImmediate, microtasks or performance.now(). */
export function fakeClock(now: number | Date = Date.now()): void {
  jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'performance'] });
}

/** Polls `check` in real time until it holds (also under a fake clock): for what real I/O brings. */
export async function settled(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => realSetTimeout(resolve, 20));
  }
}

/**
 * Moves the fake clock forward by `ms` in steps of `stepMs`, letting real I/O and promises settle
 * after each step (a timer's callback that awaits crypto or a socket finishes before the next one).
 * With `until`, stops at the first step after which it holds; throws if it never does.
 */
export async function advance(ms: number, options: { stepMs?: number; until?: () => boolean } = {}): Promise<void> {
  const stepMs = options.stepMs ?? 100;
  for (let elapsed = 0; elapsed < ms; elapsed += stepMs) {
    if (options.until?.()) return;
    await jest.advanceTimersByTimeAsync(Math.min(stepMs, ms - elapsed));
    await new Promise((resolve) => realSetTimeout(resolve, 0));
  }
  if (options.until && !options.until()) throw new Error(`not after ${ms} ms of the fake clock`);
}
