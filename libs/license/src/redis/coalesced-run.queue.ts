/**
 * Runs `work` at most once at a time, with at most one more run queued: calls made while it runs
 * all share that one queued run. N triggers cost at most two runs, however large N is (a flood of
 * bus messages cannot queue N re-verifications in front of a real one). The queued run starts
 * after the current one ends, so it still sees every change announced before it was triggered.
 */
export class CoalescedRun {
  private running?: Promise<void>;
  private queued?: Promise<void>;

  constructor(private readonly work: () => Promise<void>) {}

  /** Resolves when a run that started after this call has finished (never rejects). */
  trigger(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    this.queued = this.running.then(() => {
      this.queued = undefined;
      return this.start();
    });
    return this.queued;
  }

  /** Resolves once nothing runs or is queued. */
  async idle(): Promise<void> {
    while (this.running || this.queued) await (this.queued ?? this.running);
  }

  private start(): Promise<void> {
    const run = this.work()
      .catch(() => undefined)
      .finally(() => {
        if (this.running === run) this.running = undefined;
      });
    this.running = run;
    return run;
  }
}
