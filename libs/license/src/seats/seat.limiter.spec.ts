import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { LicenseTestKit } from '../testing/index.js';
import { SEAT_COUNTER, type SeatCounter } from './seat-counter.interface.js';
import { SeatLimitReachedException } from './seat-limit-reached.exception.js';
import { SeatLimiter } from './seat.limiter.js';

/** The host's side: a user list whose inserts take a moment (as a database would). */
@Injectable()
class UserList implements SeatCounter {
  enabled = 0;
  async add(): Promise<number> {
    await new Promise((resolve) => setImmediate(resolve));
    return ++this.enabled;
  }
  async enabledUsers(): Promise<number> {
    await Promise.resolve();
    return this.enabled;
  }
}

async function limiterWith(kit: LicenseTestKit, options: Parameters<LicenseTestKit['module']>[0]) {
  const moduleRef = await Test.createTestingModule({
    imports: [await kit.module(options)],
    providers: [UserList, SeatLimiter, { provide: SEAT_COUNTER, useExisting: UserList }],
  }).compile();
  return { limiter: moduleRef.get(SeatLimiter), users: moduleRef.get(UserList), close: () => moduleRef.close() };
}

const capped = (max: number) => ({ features: { users: { max } } });

describe('SeatLimiter', () => {
  let kit: LicenseTestKit;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });

  it('runs the action while count < max and answers 402 SEAT_LIMIT_REACHED at the cap, without running it', async () => {
    const { limiter, users, close } = await limiterWith(kit, { claims: capped(2) });
    await expect(limiter.claimSeat(() => users.add())).resolves.toBe(1);
    await expect(limiter.claimSeat(() => users.add())).resolves.toBe(2);
    let ran = false;
    const error = await limiter
      .claimSeat(() => {
        ran = true;
        return users.add();
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeatLimitReachedException);
    const exception = error as SeatLimitReachedException;
    expect(exception.getStatus()).toBe(402);
    expect(exception.getResponse()).toEqual({
      statusCode: 402,
      code: 'SEAT_LIMIT_REACHED',
      message: expect.stringContaining('allows 2 enabled users'),
      max: 2,
      count: 2,
    });
    expect(ran).toBe(false);
    expect(users.enabled).toBe(2);
    await close();
  });

  it('never oversubscribes under concurrent claims', async () => {
    const { limiter, users, close } = await limiterWith(kit, { claims: capped(5) });
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => limiter.claimSeat(() => users.add())));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(25);
    expect(rejected.every((r) => r.reason instanceof SeatLimitReachedException)).toBe(true);
    expect(users.enabled).toBe(5);
    await close();
  });

  it('uses the lower of features.users.max and seats', async () => {
    const { limiter, users, close } = await limiterWith(kit, { claims: { ...capped(10), seats: 1 } });
    await limiter.claimSeat(() => users.add());
    await expect(limiter.claimSeat(() => users.add())).rejects.toBeInstanceOf(SeatLimitReachedException);
    await expect(limiter.usage()).resolves.toEqual({ count: 1, max: 1 });
    await close();
  });

  it('is unlimited when the key sets no cap, and when there is no key', async () => {
    for (const options of [{ claims: { features: { users: undefined } } }, { state: 'not-configured' as const }]) {
      const { limiter, users, close } = await limiterWith(kit, options);
      for (let i = 0; i < 20; i++) await limiter.claimSeat(() => users.add());
      expect(users.enabled).toBe(20);
      await expect(limiter.usage()).resolves.toEqual({ count: 20, max: null });
      await close();
    }
  });

  it('enforces seats in soft mode too', async () => {
    const { limiter, users, close } = await limiterWith(kit, { claims: capped(1), enforcement: 'soft' });
    await limiter.claimSeat(() => users.add());
    await expect(limiter.claimSeat(() => users.add())).rejects.toBeInstanceOf(SeatLimitReachedException);
    await close();
  });

  it('keeps serving after an action fails', async () => {
    const { limiter, users, close } = await limiterWith(kit, { claims: capped(3) });
    await expect(limiter.claimSeat(() => Promise.reject(new Error('insert failed')))).rejects.toThrow('insert failed');
    await expect(limiter.claimSeat(() => users.add())).resolves.toBe(1);
    await close();
  });

  describe("claimSeatWithin (the count runs in the host's transaction)", () => {
    it('runs the action below the cap with the count the host gives, 402 at the cap without running it', async () => {
      const { limiter, close } = await limiterWith(kit, { claims: capped(2) });
      const counts: number[] = [];
      await expect(
        limiter.claimSeatWithin(
          () => 1,
          () => 'inserted',
        ),
      ).resolves.toBe('inserted');
      let ran = false;
      const error = await limiter
        .claimSeatWithin(
          async () => {
            counts.push(2);
            return 2;
          },
          () => {
            ran = true;
          },
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SeatLimitReachedException);
      expect((error as SeatLimitReachedException).getResponse()).toMatchObject({
        code: 'SEAT_LIMIT_REACHED',
        max: 2,
        count: 2,
      });
      expect(ran).toBe(false);
      expect(counts).toEqual([2]);
      await close();
    });

    it('does not count at all when the key sets no cap', async () => {
      const { limiter, close } = await limiterWith(kit, { claims: { features: { users: undefined } } });
      let counted = false;
      await expect(
        limiter.claimSeatWithin(
          () => {
            counted = true;
            return 1_000;
          },
          () => 'ok',
        ),
      ).resolves.toBe('ok');
      expect(counted).toBe(false);
      await close();
    });

    it("does not queue behind claimSeat: serialising is the host transaction's job", async () => {
      const { limiter, close } = await limiterWith(kit, { claims: capped(5) });
      let release!: () => void;
      const slow = limiter.claimSeat(() => new Promise<void>((resolve) => (release = resolve)));
      await expect(
        limiter.claimSeatWithin(
          () => 0,
          () => 'not blocked',
        ),
      ).resolves.toBe('not blocked');
      await new Promise((resolve) => setImmediate(resolve));
      release();
      await slow;
      await close();
    });

    it('an error from the count or the action propagates (the host rolls back)', async () => {
      const { limiter, close } = await limiterWith(kit, { claims: capped(5) });
      await expect(
        limiter.claimSeatWithin(
          () => Promise.reject(new Error('count failed')),
          () => 'x',
        ),
      ).rejects.toThrow('count failed');
      await expect(
        limiter.claimSeatWithin(
          () => 0,
          () => Promise.reject(new Error('insert failed')),
        ),
      ).rejects.toThrow('insert failed');
      await close();
    });
  });

  describe("underSeatLock (the work runs in the host's seat transaction)", () => {
    /** A host "database": rows and a lock that runs transactions one at a time, as BEGIN IMMEDIATE does. */
    function table(enabled: boolean[]) {
      const rows = enabled.map((on) => ({ enabled: on }));
      let queue: Promise<unknown> = Promise.resolve();
      const runs: string[] = [];
      const lock = {
        run<T>(work: (tx: string) => Promise<T>): Promise<T> {
          const run = queue.then(() => work(`tx${runs.push('tx')}`));
          queue = run.catch(() => undefined);
          return run;
        },
        enabledUsers: (tx: string) => {
          runs.push(`count in ${tx}`);
          return rows.filter((row) => row.enabled).length;
        },
      };
      return { rows, lock, runs };
    }

    it('claim() counts in the same transaction and throws 402 at the cap; the work decides when to claim', async () => {
      const { limiter, close } = await limiterWith(kit, { claims: capped(2) });
      const { rows, lock, runs } = table([true, false, false]);
      const enable = (i: number) =>
        limiter.underSeatLock(lock, async (_tx, seat) => {
          if (!rows[i].enabled) await seat.claim();
          await new Promise((resolve) => setImmediate(resolve));
          rows[i].enabled = true;
        });
      const results = await Promise.allSettled([enable(1), enable(2), enable(0)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(SeatLimitReachedException);
      expect(rows.map((r) => r.enabled)).toEqual([true, true, false]);
      // Re-enabling an enabled user takes no seat and does not count.
      expect(runs).toEqual(['tx', 'count in tx1', 'tx', 'count in tx3', 'tx']);
      await close();
    });

    it('a disable or an edit needs no seat: the work runs without claiming, also at the cap', async () => {
      const { limiter, close } = await limiterWith(kit, { claims: capped(1) });
      const { rows, lock } = table([true, true]);
      await expect(
        limiter.underSeatLock(lock, async () => {
          rows[0].enabled = false;
          return 'disabled';
        }),
      ).resolves.toBe('disabled');
      expect(rows.map((r) => r.enabled)).toEqual([false, true]);
      await close();
    });
  });
});
