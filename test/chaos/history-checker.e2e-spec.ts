import {
  checkAiCap,
  checkNo500,
  checkNoLostWrite,
  checkRegister,
  checkSeatCap,
  type Op,
  type Sample,
} from './support/history.js';

// The chaos checker on small hand-written histories: each violation the chaos suite reports on a
// real run (issue 18) is recognised here, and the legitimate interleavings around it are not.

let nextId = 0;
function op(
  type: Op['type'],
  invokedAt: number,
  completedAt: number,
  status: number | undefined,
  extra: Partial<Op> = {},
): Op {
  const outcome = status === undefined ? 'info' : status < 300 ? 'ok' : status < 500 ? 'fail' : 'info';
  return {
    id: nextId++,
    client: 0,
    replica: 0,
    type,
    invokedAt,
    completedAt,
    ...(status !== undefined ? { status } : {}),
    outcome,
    ...extra,
  };
}
const create = (id: string, at: number) => op('create', at, at + 10, 201, { value: `user-${at}`, result: { id } });

describe('chaos history checker', () => {
  describe('no-lost-write', () => {
    it('a disable answered 200 undone by a concurrent rename (the whole row written back) is a lost write', () => {
      const history = [
        create('u1', 0),
        op('rename', 100, 300, 200, { user: 'u1', value: 'renamed' }),
        op('disable', 150, 200, 200, { user: 'u1' }),
      ];
      const violations = checkNoLostWrite(history, [
        { id: 'admin', name: 'admin', enabled: true },
        { id: 'u1', name: 'renamed', enabled: true },
      ]);
      expect(violations.map((v) => v.message)).toEqual([
        expect.stringMatching(/user u1: enabled is true at the end, but #\d+ disable u1 .* answered 200/),
      ]);
    });

    it('an enable that may have run after the disable explains an enabled user; one that ended before it does not', () => {
      const base = [create('u1', 0), op('disable', 200, 300, 200, { user: 'u1' })];
      const final = [{ id: 'u1', name: 'user-0', enabled: true }];
      expect(checkNoLostWrite([...base, op('enable', 250, 400, 200, { user: 'u1' })], final)).toEqual([]);
      expect(checkNoLostWrite([...base, op('enable', 900, 1000, undefined, { user: 'u1' })], final)).toEqual([]); // no answer: may have run
      expect(checkNoLostWrite([...base, op('enable', 100, 150, 200, { user: 'u1' })], final)).toHaveLength(1);
      expect(checkNoLostWrite([...base, op('enable', 900, 1000, 402, { user: 'u1' })], final)).toHaveLength(1); // refused: did not run
    });

    it('acknowledged creates exist, unknown users need creates without an answer, deletes answered 200 stick', () => {
      expect(checkNoLostWrite([create('u1', 0)], [])[0].message).toMatch(/answered 201 but the user is gone/);
      expect(checkNoLostWrite([create('u1', 0), op('delete', 50, 60, undefined, { user: 'u1' })], [])).toEqual([]);
      expect(
        checkNoLostWrite(
          [create('u1', 0), op('delete', 50, 60, 200, { user: 'u1' })],
          [{ id: 'u1', name: 'user-0', enabled: true }],
        )[0].message,
      ).toMatch(/answered 200 but the user is still there/);
      const stranger = [{ id: 'u9', name: 'x', enabled: true }];
      expect(checkNoLostWrite([], stranger)).toHaveLength(1);
      expect(checkNoLostWrite([op('create', 0, 10, 503, { value: 'x' })], stranger)).toEqual([]);
    });

    it('a register (settings, the activated key) keeps its last acknowledged value', () => {
      const writes = [{ op: op('enforcement', 100, 200, 200), value: 'soft' }];
      expect(checkRegister('enforcement', 'restricted', writes, 'soft')).toEqual([]);
      expect(checkRegister('enforcement', 'restricted', writes, 'restricted')).toHaveLength(1);
      expect(
        checkRegister(
          'enforcement',
          'restricted',
          [...writes, { op: op('enforcement', 150, 250, 200), value: 'restricted' }],
          'restricted',
        ),
      ).toEqual([]);
    });
  });

  describe('seat-cap', () => {
    const samples = (...counts: Array<[number, number, boolean?]>): Sample[] =>
      counts.map(([at, enabled, activation = true]) => ({ at, enabled, activation }));

    it('a count rising past the cap while a key is in force is a violation', () => {
      expect(checkSeatCap(samples([0, 5], [4000, 6], [4200, 7]), 6, 3000)).toHaveLength(1);
      expect(checkSeatCap(samples([0, 5], [4000, 6], [4200, 6], [4400, 5]), 6, 3000)).toEqual([]);
    });

    it('users enabled while no key was activated may stay above the cap, but the count must not grow', () => {
      const run = samples([0, 3], [1000, 9, false], [2000, 9], [5500, 9], [5700, 8], [5900, 9], [6100, 10]);
      expect(checkSeatCap(run, 6, 3000).map((v) => v.message)).toEqual([
        '9 enabled users with a cap of 6 at +5900 ms (8 at +5700 ms)',
        '10 enabled users with a cap of 6 at +6100 ms (9 at +5900 ms)',
      ]);
    });

    it('a deactivation in flight (or just ended) suspends the check: the database may not show it yet', () => {
      const run = samples([0, 5], [4000, 6], [4200, 8]);
      expect(checkSeatCap(run, 6, 3000, [op('deactivate', 4100, 4150, 200), op('activate', 4160, 4190, 200)])).toEqual(
        [],
      );
      expect(checkSeatCap(run, 6, 3000, [op('deactivate', 4100, 4150, 422)])).toHaveLength(1);
    });
  });

  describe('ai-cap', () => {
    const ai = (usedToday: number, day = '2026-12-06') =>
      op('ai', 0, 1, 200, { result: { usedToday, messagesPerDay: 3, day } });

    it('more 200s than the cap on one day, or one count served twice, is a violation', () => {
      expect(checkAiCap([ai(1), ai(2), ai(3)], 3)).toEqual([]);
      expect(checkAiCap([ai(1), ai(2), ai(3), ai(1, '2026-12-07')], 3)).toEqual([]);
      const reset = checkAiCap([ai(1), ai(2), ai(3), ai(1), ai(2)], 3).map((v) => v.message);
      expect(reset).toContain('5 AI messages served on 2026-12-06 with a cap of 3');
      expect(reset.filter((m) => /the day's count went back/.test(m))).toHaveLength(2);
    });

    it('messages served without a cap (no key) are not counted against it', () => {
      const uncapped = op('ai', 0, 1, 200, { result: { usedToday: 1, messagesPerDay: null, day: '2026-12-06' } });
      expect(checkAiCap([uncapped, ai(2), ai(3)], 3)).toEqual([]);
    });
  });

  it('no-500: 503 is an outage answered properly, any other 5xx is not', () => {
    expect(checkNo500([op('create', 0, 1, 503), op('create', 0, 1, 201)])).toEqual([]);
    expect(checkNo500([op('create', 0, 1, 500), op('ai', 0, 1, 502)])).toHaveLength(2);
  });
});
