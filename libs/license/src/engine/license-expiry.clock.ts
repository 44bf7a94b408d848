import { Logger } from '@nestjs/common';
import { LICENSE_LOGGER_CONTEXT } from '../license.constants.js';
import type { LicenseExpiringEvent, LicenseGraceEvent } from '../interfaces/license-events.interface.js';
import {
  crossedThreshold,
  daysLeft,
  expiryTransition,
  graceWarning,
  nextCheckDelay,
} from '../state/license-expiry.util.js';
import type { ResolvedLicenseOptions } from '../interfaces/license-options.interface.js';
import { stateFromVerification, stateInGrace } from '../state/license-state.util.js';
import type { LicenseState } from '../interfaces/license-state.interface.js';
import { isoSeconds, RejectionReason } from '../verification/rejection-reasons.util.js';

/** What `license.expired` carries besides the states. */
export interface LicenseExpiry {
  readonly expiresAt: Date;
  readonly graceEndedAt?: Date;
}

/** What the clock judges, read once per tick. */
export interface LicenseExpiryReading extends Pick<ResolvedLicenseOptions, 'expiryWarningDays' | 'graceDays'> {
  /** The current snapshot. */
  readonly state: LicenseState;
  /** The instant expiry is judged at (a satellite's: its hub's clock). */
  readonly now: Date;
  /** Wall-clock warnings found at this tick (a clock set back), to add to the snapshot. */
  readonly clockWarnings: readonly string[];
}

/** What fell due at a tick, for `LicenseService` to publish, apply or emit. */
export type LicenseExpiryDue =
  /** The snapshot with the tick's clock warnings added: replaces it as it is (no events, no log line). */
  | { readonly kind: 'clock-warning'; readonly state: LicenseState }
  /** `exp` passed with a grace period: the snapshot in grace, applied as a verification would be. */
  | { readonly kind: 'grace'; readonly state: LicenseState }
  /** `exp` (or the grace period) passed: the rejected snapshot and what `license.expired` carries. */
  | { readonly kind: 'expired'; readonly state: LicenseState; readonly expiry: LicenseExpiry }
  /** A threshold crossed (`license.expiring`) or the grace period announced (`license.grace`). */
  | { readonly kind: 'announce'; readonly event: LicenseExpiringEvent | LicenseGraceEvent };

/**
 * The expiry and grace clock, from bootstrap to shutdown: announces each `expiryWarningDays`
 * threshold and the grace period once per key, moves the state into grace at `exp` and to rejected
 * when it (or the grace period) ends. One unref'd timer at a time, chained in steps of at most
 * `MAX_TIMER_STEP_MS`; nothing keeps the process alive. Its own class so that LicenseService only
 * tells it "a snapshot was applied". It knows the service through two functions: `read` (what to
 * judge, once per tick) and `onDue` (what fell due); it never holds the snapshot itself.
 */
export class LicenseExpiryClock {
  private readonly logger = new Logger(LICENSE_LOGGER_CONTEXT);
  private timer?: NodeJS.Timeout;
  /** Before bootstrap nobody listens yet: `start()` announces and arms the timer. */
  private running = false;
  /** The key (fingerprint) and the thresholds (and grace) already announced for it. */
  private announced = { key: '', days: new Set<number>(), grace: false };

  constructor(
    private readonly read: () => LicenseExpiryReading,
    private readonly onDue: (due: LicenseExpiryDue) => void,
  ) {}

  start(): void {
    this.running = true;
    this.tick();
  }

  stop(): void {
    this.running = false;
    this.clear();
  }

  /** A snapshot for `key` was applied: a new key starts its announcements afresh; then look again. */
  applied(key: string): void {
    if (this.announced.key !== key) this.announced = { key, days: new Set(), grace: false };
    if (this.running) this.tick();
  }

  /** Announces a crossed threshold, or expires the key at `exp`; then arms the next timer. */
  private tick(): void {
    this.clear();
    const reading = this.read();
    const { now, clockWarnings } = reading;
    let { state } = reading;
    if (clockWarnings.length > 0) {
      state = Object.freeze({ ...state, warnings: Object.freeze([...state.warnings, ...clockWarnings]) });
      this.onDue({ kind: 'clock-warning', state });
    }
    const transition = expiryTransition(state, reading.graceDays, now);
    if (transition?.kind === 'grace') {
      this.onDue({ kind: 'grace', state: stateInGrace(state, transition.endsAt) }); // applied() ticks again: that announces it
      return;
    }
    if (transition?.kind === 'expire') {
      const expiresAt = state.expiresAt!;
      const grace = graceWarning(expiresAt, transition.graceEndedAt ?? expiresAt);
      const expired = stateFromVerification(
        { status: 'rejected', reason: RejectionReason.expired(expiresAt), claims: state.claims! },
        {
          enforcement: state.enforcement,
          now,
          source: state.source,
          warnings: state.warnings.filter((w) => w !== grace),
        },
      );
      this.onDue({
        kind: 'expired',
        state: expired,
        expiry: { expiresAt, ...(transition.graceEndedAt ? { graceEndedAt: transition.graceEndedAt } : {}) },
      });
      return;
    }
    this.announceGrace(state);
    this.announceExpiry(state, reading.expiryWarningDays, now);
    this.schedule(state, reading.expiryWarningDays, now);
  }

  private announceExpiry(state: LicenseState, thresholds: readonly number[], now: Date): void {
    const threshold = crossedThreshold(state, thresholds, this.announced.days, now);
    if (threshold === undefined || !state.expiresAt) return;
    for (const days of thresholds) if (days >= threshold) this.announced.days.add(days);
    const left = daysLeft(state.expiresAt, now);
    this.logger.warn(`license expires in ${left} day${left === 1 ? '' : 's'} — ${isoSeconds(state.expiresAt)}`);
    this.onDue({
      kind: 'announce',
      event: {
        type: 'license.expiring',
        current: state,
        daysLeft: left,
        thresholdDays: threshold,
        expiresAt: state.expiresAt,
      },
    });
  }

  /** `license.grace`, once per key: at `exp` while running, or at startup inside the grace period. */
  private announceGrace(state: LicenseState): void {
    if (!state.grace || !state.expiresAt || this.announced.grace) return;
    this.announced.grace = true;
    this.onDue({
      kind: 'announce',
      event: { type: 'license.grace', current: state, expiresAt: state.expiresAt, graceEndsAt: state.grace.endsAt },
    });
  }

  /** Arms one unref'd timer for the next threshold, `exp` or the end of grace. */
  private schedule(state: LicenseState, thresholds: readonly number[], now: Date): void {
    this.clear();
    if (!this.running) return;
    const delay = nextCheckDelay(state, thresholds, this.announced.days, now);
    if (delay === undefined) return;
    this.timer = setTimeout(() => this.tick(), delay);
    this.timer.unref();
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
