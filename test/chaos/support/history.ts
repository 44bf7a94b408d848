// The operation history of a chaos run (in the manner of Jepsen) and the checker that reads it
// after the run. Pure functions: the checker sees only the history, the samples taken directly in
// the database during the run, and the final state read after the faults ended.

export type OpType =
  | 'create'
  | 'rename'
  | 'enable'
  | 'disable'
  | 'delete'
  | 'ai'
  | 'activate'
  | 'deactivate'
  | 'reverify'
  | 'enforcement'
  | 'public-key-path'
  | 'connector'
  /** A read of the convergence check (only its status is judged). */
  | 'read';

/**
 * `ok`: acknowledged (2xx), it happened. `fail`: it certainly did not happen (4xx, connection
 * refused). `info`: unknown (5xx, timeout, connection lost mid-request): it may have happened, even
 * later than the client gave up.
 */
export type Outcome = 'ok' | 'fail' | 'info';

export interface Op {
  readonly id: number;
  readonly client: number;
  readonly replica: number;
  readonly type: OpType;
  /** The user id (user ops other than create). */
  user?: string;
  /** What the op writes: a name, a key label, an enforcement, a path, `{connector, licensed}`. */
  readonly value?: unknown;
  readonly invokedAt: number;
  completedAt?: number;
  status?: number;
  /** A network error's code (ECONNREFUSED, TIMEOUT, …). */
  error?: string;
  outcome?: Outcome;
  /** create: the new user's id; ai: the usage the answer reported. */
  result?: { id?: string; usedToday?: number; messagesPerDay?: number | null; day?: string };
}

/** One read of the database made during the run (a failed read — database down — is not a sample). */
export interface Sample {
  readonly at: number;
  readonly enabled: number;
  readonly activation: boolean;
}

export interface FinalUser {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
}

export interface Death {
  readonly replica: number;
  readonly at: number;
  readonly exit: string;
  readonly logTail: string;
}

export type Invariant =
  | 'no-500'
  | 'no-unexpected-death'
  | 'seat-cap'
  | 'no-lost-write'
  | 'ai-cap'
  | 'converged-license'
  | 'converged-settings';

export interface Violation {
  readonly invariant: Invariant;
  readonly message: string;
}

export interface CheckInput {
  readonly history: readonly Op[];
  readonly samples: readonly Sample[];
  readonly finalUsers: readonly FinalUser[];
  readonly deaths: readonly Death[];
  readonly seatCap: number;
  readonly aiCap: number;
  /** How long a replica may take to apply an activation made on another one (bus or poll). */
  readonly propagationMs: number;
}

/** Every invariant of DESIGN 5e that the history can decide (convergence is checked live). */
export function checkHistory(input: CheckInput): Violation[] {
  return [
    ...checkNo500(input.history),
    ...input.deaths.map((d): Violation => ({
      invariant: 'no-unexpected-death',
      message: `replica ${d.replica + 1} died (${d.exit}) at +${d.at} ms without being killed; last log lines:\n${d.logTail}`,
    })),
    ...checkSeatCap(input.samples, input.seatCap, input.propagationMs, input.history),
    ...checkNoLostWrite(input.history, input.finalUsers),
    ...checkAiCap(input.history, input.aiCap),
  ];
}

export function checkNo500(history: readonly Op[]): Violation[] {
  return history
    .filter((op) => op.status !== undefined && op.status >= 500 && op.status !== 503)
    .map((op) => ({ invariant: 'no-500' as const, message: `${describe(op)} answered ${op.status}` }));
}

/**
 * Enabled users never exceed the cap. The cap is the license's: while no key is activated a
 * replica has no cap, and users enabled then stay enabled after a key comes back (a lowered cap
 * disables nobody), so the count may legitimately sit above the cap for a while. What must never
 * happen while a key is in force is a seat taken at or above the cap: the count rising to more
 * than max(cap, previous sample). A sample is judged when the key has been in the database for
 * `propagationMs` (every replica has applied it) at it and at the previous sample, and no
 * deactivation ran (or ended less than `propagationMs` before) since the previous sample.
 */
export function checkSeatCap(
  samples: readonly Sample[],
  cap: number,
  propagationMs: number,
  history: readonly Op[] = [],
): Violation[] {
  const violations: Violation[] = [];
  const deactivations = history
    .filter((op) => op.type === 'deactivate' && happenedOrMaybe(op))
    .map((op) => [op.invokedAt, (op.completedAt ?? INFINITY) + propagationMs] as const);
  let activeSince: number | undefined;
  let previous: Sample | undefined;
  for (const sample of samples) {
    if (!sample.activation) {
      activeSince = undefined;
      previous = undefined;
      continue;
    }
    activeSince ??= sample.at;
    const settled = sample.at - activeSince >= propagationMs;
    if (settled && previous && !deactivations.some(([from, to]) => from <= sample.at && to >= previous!.at)) {
      if (sample.enabled > Math.max(cap, previous.enabled)) {
        violations.push({
          invariant: 'seat-cap',
          message: `${sample.enabled} enabled users with a cap of ${cap} at +${sample.at} ms (${previous.enabled} at +${previous.at} ms)`,
        });
      }
    }
    previous = settled ? sample : undefined;
  }
  return violations;
}

const INFINITY = Number.POSITIVE_INFINITY;
/** When an op's effect may have happened at the latest: its answer, or never known for `info`. */
const latest = (op: Op) => (op.outcome === 'ok' ? op.completedAt! : INFINITY);
const happenedOrMaybe = (op: Op) => op.outcome === 'ok' || op.outcome === 'info';

/**
 * No acknowledged write lost, per user and per field (a register check on the final state): the
 * final value must have been written by an op that happened or may have (or by the create), with
 * no acknowledged write of another value that started after that op had certainly finished.
 * Acknowledged creates exist unless a delete may have run; a user deleted with 200 is gone; users
 * nobody knows of are allowed only as many as creates whose answer was lost.
 */
export function checkNoLostWrite(history: readonly Op[], finalUsers: readonly FinalUser[]): Violation[] {
  const violations: Violation[] = [];
  const finals = new Map(finalUsers.map((u) => [u.id, u]));
  const creates = history.filter((op) => op.type === 'create' && op.outcome === 'ok' && op.result?.id);
  const known = new Set(creates.map((op) => op.result!.id!));
  known.add('admin');
  const unknownInDb = finalUsers.filter((u) => !known.has(u.id)).length;
  const lostCreates = history.filter((op) => op.type === 'create' && op.outcome === 'info').length;
  if (unknownInDb > lostCreates) {
    violations.push({
      invariant: 'no-lost-write',
      message: `${unknownInDb} users in the database that no create could have made (${lostCreates} creates without an answer)`,
    });
  }
  for (const create of creates) {
    const id = create.result!.id!;
    const ops = history.filter((op) => op.user === id && happenedOrMaybe(op));
    const deletes = ops.filter((op) => op.type === 'delete');
    const final = finals.get(id);
    if (!final) {
      if (deletes.length === 0)
        violations.push({
          invariant: 'no-lost-write',
          message: `${describe(create)} answered ${create.status} but the user is gone`,
        });
      continue;
    }
    const acknowledgedDelete = deletes.find((op) => op.outcome === 'ok');
    if (acknowledgedDelete) {
      violations.push({
        invariant: 'no-lost-write',
        message: `${describe(acknowledgedDelete)} answered ${acknowledgedDelete.status} but the user is still there`,
      });
      continue;
    }
    const field = (name: 'enabled' | 'name', writes: Array<{ op: Op; value: unknown }>, finalValue: unknown) => {
      const explains = writes.some(
        (w) =>
          w.value === finalValue &&
          !writes.some(
            (other) => other.op.outcome === 'ok' && other.value !== finalValue && other.op.invokedAt > latest(w.op),
          ),
      );
      if (!explains) {
        const lastAcked = writes
          .filter((w) => w.op.outcome === 'ok')
          .sort((a, b) => b.op.invokedAt - a.op.invokedAt)[0];
        violations.push({
          invariant: 'no-lost-write',
          message: `user ${id}: ${name} is ${JSON.stringify(finalValue)} at the end, but ${lastAcked ? describe(lastAcked.op) : 'its create'} answered ${lastAcked?.op.status ?? create.status} and no later write could have set ${JSON.stringify(finalValue)}`,
        });
      }
    };
    const createWrite = { op: create };
    field(
      'enabled',
      [
        { ...createWrite, value: true },
        ...ops
          .filter((op) => op.type === 'enable' || op.type === 'disable')
          .map((op) => ({ op, value: op.type === 'enable' })),
      ],
      final.enabled,
    );
    field(
      'name',
      [
        { ...createWrite, value: create.value },
        ...ops.filter((op) => op.type === 'rename').map((op) => ({ op, value: op.value })),
      ],
      final.name,
    );
  }
  return violations;
}

/**
 * AI messages accepted ≤ the cap per UTC day: the answers with 200 that were counted against the
 * cap (`messagesPerDay` in the answer; with no key there is no cap) never exceed it, and no two
 * report the same `usedToday` (a count that went back, e.g. a Redis restart without its data).
 */
export function checkAiCap(history: readonly Op[], cap: number): Violation[] {
  const violations: Violation[] = [];
  const byDay = new Map<string, Op[]>();
  for (const op of history) {
    if (op.type !== 'ai' || op.outcome !== 'ok' || op.result?.messagesPerDay !== cap) continue;
    const day = op.result.day!;
    byDay.set(day, [...(byDay.get(day) ?? []), op]);
  }
  for (const [day, ops] of byDay) {
    if (ops.length > cap)
      violations.push({
        invariant: 'ai-cap',
        message: `${ops.length} AI messages served on ${day} with a cap of ${cap}`,
      });
    const seen = new Map<number, Op>();
    for (const op of ops) {
      const used = op.result!.usedToday!;
      const before = seen.get(used);
      if (before)
        violations.push({
          invariant: 'ai-cap',
          message: `${describe(before)} and ${describe(op)} both counted as message ${used} of ${day}: the day's count went back`,
        });
      else seen.set(used, op);
    }
  }
  return violations;
}

export function describe(op: Op): string {
  const what =
    op.type === 'create' ? `create ${JSON.stringify(op.value)}` : op.user ? `${op.type} ${op.user}` : op.type;
  const value = op.value !== undefined && op.type !== 'create' ? ` ${JSON.stringify(op.value)}` : '';
  return `#${op.id} ${what}${value} on replica ${op.replica + 1} [+${op.invokedAt}..+${op.completedAt ?? '?'} ms]`;
}

/** Counts per op type and outcome, for the summary. */
export function tally(history: readonly Op[]): string {
  const rows = new Map<string, Record<Outcome, number>>();
  for (const op of history) {
    const row = rows.get(op.type) ?? { ok: 0, fail: 0, info: 0 };
    row[op.outcome ?? 'info']++;
    rows.set(op.type, row);
  }
  return [...rows].map(([type, r]) => `${type} ${r.ok}/${r.fail}/${r.info}`).join(', ');
}

/**
 * A register's final value is explained by a write that happened or may have (`initial` counts as
 * one acknowledged before the run) unless an acknowledged write of another value started after
 * that write had certainly finished. Returns a message when nothing explains it.
 */
export function checkRegister(
  name: string,
  initial: unknown,
  writes: ReadonlyArray<{ op: Op; value: unknown }>,
  final: unknown,
): Violation[] {
  const all = [
    { op: { invokedAt: -1, completedAt: -1, outcome: 'ok' } as Op, value: initial },
    ...writes.filter((w) => happenedOrMaybe(w.op)),
  ];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const explains = all.some(
    (w) =>
      same(w.value, final) &&
      !all.some((o) => o.op.outcome === 'ok' && !same(o.value, final) && o.op.invokedAt > latest(w.op)),
  );
  if (explains) return [];
  const lastAcked = all.filter((w) => w.op.outcome === 'ok').sort((a, b) => b.op.invokedAt - a.op.invokedAt)[0];
  return [
    {
      invariant: 'no-lost-write',
      message: `${name} is ${JSON.stringify(final)} at the end, but ${lastAcked.op.id !== undefined ? describe(lastAcked.op) : 'its initial value'} set ${JSON.stringify(lastAcked.value)} and no later write could have set ${JSON.stringify(final)}`,
    },
  ];
}
