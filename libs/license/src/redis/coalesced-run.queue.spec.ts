import { CoalescedRun } from './coalesced-run.queue.js';

/** A run that waits until released, counting its starts. */
function gated() {
  const releases: Array<() => void> = [];
  let starts = 0;
  const run = new CoalescedRun(async () => {
    starts++;
    await new Promise<void>((resolve) => releases.push(resolve));
  });
  return { run, starts: () => starts, release: () => releases.shift()?.() };
}

describe('CoalescedRun', () => {
  it('1 000 triggers during a run cost one more run, not 1 000', async () => {
    const { run, starts, release } = gated();
    const first = run.trigger();
    const rest = Array.from({ length: 1_000 }, () => run.trigger());
    expect(starts()).toBe(1);
    expect(new Set(rest).size).toBe(1); // they all share the queued run
    release();
    await first;
    await Promise.resolve();
    expect(starts()).toBe(2);
    release();
    await Promise.all(rest);
    await run.idle();
    expect(starts()).toBe(2);
  });

  it('a trigger resolves only after a run that started after it', async () => {
    const { run, starts, release } = gated();
    void run.trigger();
    let done = false;
    const second = run.trigger().then(() => (done = true));
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false); // the first run ended; the queued one is still running
    expect(starts()).toBe(2);
    release();
    await second;
    expect(done).toBe(true);
  });

  it('a failing run neither rejects its triggers nor stops the next run', async () => {
    let calls = 0;
    const run = new CoalescedRun(async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
    });
    await expect(run.trigger()).resolves.toBeUndefined();
    await expect(run.trigger()).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});
