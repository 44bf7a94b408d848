// reverifyHeapBytes: heap growth over 10 000 reverify() cycles with 100 subscribers, after GC.
// Run with --expose-gc. The key alternates between A and B, so every cycle is a change: state$
// and events$ (license.changed) both reach every subscriber.
import { setImmediate as tick } from 'node:timers/promises';
import { reply } from '../lib/child.js';
import { createLicenseContext, option, useKey } from '../lib/license-fixture.js';

const cycles = option('cycles', 10_000);
const subscriberCount = option('subscribers', 100);
const warmup = option('warmup', 1_000);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

const { app, license } = await createLicenseContext();
let received = 0;
const subscribers = [];
for (let i = 0; i < subscriberCount; i++) {
  // Each subscriber keeps what it saw last, as a real consumer would.
  const subscriber = { state: undefined, event: undefined };
  subscriber.subscriptions = [
    license.state$.subscribe((state) => {
      subscriber.state = state;
      received++;
    }),
    license.events$.subscribe((event) => {
      subscriber.event = event;
      received++;
    }),
  ];
  subscribers.push(subscriber);
}

async function run(count) {
  for (let i = 0; i < count; i++) {
    useKey(i % 2 === 0 ? 'B' : 'A');
    await license.reverify();
  }
  useKey('A');
  await license.reverify(); // end on the same key as before, so both measurements hold one state
}

async function settledHeap() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await tick();
  }
  return process.memoryUsage().heapUsed;
}

await run(warmup);
const before = await settledHeap();
received = 0;
await run(cycles);
const after = await settledHeap();
// state$ on every reverify (cycles + 1), license.changed on every switch (cycles).
const expected = subscriberCount * (2 * cycles + 1);
if (received !== expected) throw new Error(`subscribers saw ${received} notifications, expected ${expected}`);
if (license.state.status !== 'accepted') throw new Error(`license ${license.state.status}`);

for (const subscriber of subscribers) for (const s of subscriber.subscriptions) s.unsubscribe();
await app.close();
reply({ reverifyHeapBytes: after - before, heapUsedBefore: before, cycles, subscribers: subscriberCount });
