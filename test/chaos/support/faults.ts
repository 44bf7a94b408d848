import type { ChaosCluster } from './cluster.js';
import type { Random } from './random.js';

export type FaultKind =
  'kill-replica' | 'stop-postgres' | 'restart-redis' | 'restart-redis-empty' | 'stop-postgres-and-restart-redis-empty';

export interface Fault {
  readonly kind: FaultKind;
  /** When it starts, from the start of the run. */
  readonly at: number;
  /** How long the dependency stays down. */
  readonly downMs: number;
  readonly replica?: number;
}

const KINDS: readonly FaultKind[] = [
  'kill-replica',
  'stop-postgres',
  'restart-redis',
  'restart-redis-empty',
  'stop-postgres-and-restart-redis-empty',
];

/**
 * The fault schedule, fixed by the seed: one of each kind first (in a seeded order, so a short run
 * covers them all), then random ones, one at a time with a quiet gap between them so that each
 * outage has time to settle. Nothing starts in the last 3 s of the run.
 */
export function faultSchedule(random: Random, runMs: number, replicas: number): Fault[] {
  const faults: Fault[] = [];
  let at = random.int(1_500, 3_000);
  const order = random.shuffle(KINDS);
  for (let i = 0; ; i++) {
    const kind = i < order.length ? order[i] : random.pick(KINDS);
    const downMs =
      kind === 'kill-replica'
        ? random.int(500, 2_500)
        : kind.startsWith('stop-postgres')
          ? random.int(2_000, 5_000)
          : random.int(300, 2_000);
    // A replica restart takes seconds on a loaded machine: count it in the fault's length.
    const lengthMs = downMs + (kind === 'kill-replica' ? 6_000 : 2_000);
    if (at + lengthMs > runMs - 3_000) break;
    faults.push({ kind, at, downMs, ...(kind === 'kill-replica' ? { replica: random.int(0, replicas - 1) } : {}) });
    at += lengthMs + random.int(2_000, 4_000);
  }
  return faults;
}

/** What happened, for the summary: `+12.3s stop-postgres 3.1s`. */
export interface FaultRecord {
  readonly fault: Fault;
  startedAt: number;
  endedAt?: number;
}

/** Runs the schedule against the cluster; after each fault every replica that is down is started again. */
export class FaultRunner {
  readonly log: FaultRecord[] = [];
  private stopped = false;

  constructor(private readonly cluster: ChaosCluster) {}

  async run(schedule: readonly Fault[]): Promise<void> {
    for (const fault of schedule) {
      const wait = fault.at - this.cluster.elapsed();
      if (wait > 0) await sleep(wait);
      if (this.stopped) return;
      const record: FaultRecord = { fault, startedAt: this.cluster.elapsed() };
      this.log.push(record);
      await this.inject(fault);
      await this.cluster.restartMissing();
      record.endedAt = this.cluster.elapsed();
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private async inject(fault: Fault): Promise<void> {
    const { postgres, redis } = this.cluster;
    switch (fault.kind) {
      case 'kill-replica':
        await this.cluster.killReplica(fault.replica!);
        await sleep(fault.downMs);
        return;
      case 'stop-postgres':
        await postgres.halt();
        await sleep(fault.downMs);
        await postgres.start();
        return;
      case 'restart-redis':
        await redis.kill();
        await sleep(fault.downMs);
        await redis.start();
        return;
      case 'restart-redis-empty':
        await redis.kill();
        await redis.wipe();
        await sleep(fault.downMs);
        await redis.start();
        return;
      case 'stop-postgres-and-restart-redis-empty':
        await postgres.halt();
        await redis.kill();
        await redis.wipe();
        await sleep(fault.downMs / 2);
        await redis.start();
        await sleep(fault.downMs / 2);
        await postgres.start();
        return;
    }
  }
}

export function describeFaults(log: readonly FaultRecord[]): string {
  return log
    .map(
      (r) =>
        `+${(r.startedAt / 1000).toFixed(1)}s ${r.fault.kind}${r.fault.replica !== undefined ? ` ${r.fault.replica + 1}` : ''} (down ${(r.fault.downMs / 1000).toFixed(1)}s, back +${r.endedAt !== undefined ? (r.endedAt / 1000).toFixed(1) : '?'}s)`,
    )
    .join('; ');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
