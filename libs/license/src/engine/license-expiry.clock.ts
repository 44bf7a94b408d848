import { Logger } from '@nestjs/common';
import { LICENSE_LOGGER_CONTEXT } from '../license.constants.js';
import type { LicenseEvent } from '../interfaces/license-events.interface.js';
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

/** What the clock needs from `LicenseService`, which owns the snapshot and the event stream. */
export interface LicenseExpiryClockHost {
  /** The current snapshot. */
  state(): LicenseState;
  /** The current options (`reconfigure()` replaces them). */
  options(): ResolvedLicenseOptions;
  /** Wall-clock warnings for `now`, from the evaluator's high-water mark. */
  clockWarnings(now: Date): string[];
  /** Replaces the snapshot as it is: no events, no log line (a clock warning added to it). */
  publish(state: LicenseState): void;
  /** Applies a snapshot as a verification would (grace entered, key expired). */
  apply(state: LicenseState, expired?: LicenseExpiry): void;
  emit(event: LicenseEvent): void;
  /** The clock expiry is judged by (a satellite's: its hub's). */
  now(): Date;
}

/**
 * The expiry and grace clock, from bootstrap to shutdown: announces each `expiryWarningDays`
 * threshold and the grace period once per key, moves the state into grace at `exp` and to rejected
 * when it (or the grace period) ends. One unref'd timer at a time, chained in steps of at most
 * `MAX_TIMER_STEP_MS`; nothing keeps the process alive. Its own class so that LicenseService only
 * tells it "a snapshot was applied".
 */
export class LicenseExpiryClock {
  private readonly logger = new Logger(LICENSE_LOGGER_CONTEXT);
  private timer?: NodeJS.Timeout;
  /** Before bootstrap nobody listens yet: `start()` announces and arms the timer. */
  private running = false;
  /** The key (fingerprint) and the thresholds (and grace) already announced for it. */
  private announced = { key: '', days: new Set<number>(), grace: false };

  constructor(private readonly host: LicenseExpiryClockHost) {}

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
    const now = this.host.now();
    const warnings = this.host.clockWarnings(new Date());
    if (warnings.length > 0) {
      const current = this.host.state();
      this.host.publish(Object.freeze({ ...current, warnings: Object.freeze([...current.warnings, ...warnings]) }));
    }
    const state = this.host.state();
    const transition = expiryTransition(state, this.host.options().graceDays, now);
    if (transition?.kind === 'grace') {
      this.host.apply(stateInGrace(state, transition.endsAt)); // applied() ticks again: that announces it
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
      this.host.apply(expired, {
        expiresAt,
        ...(transition.graceEndedAt ? { graceEndedAt: transition.graceEndedAt } : {}),
      });
      return;
    }
    this.announceGrace(state);
    this.announceExpiry(state, now);
    this.schedule();
  }

  private announceExpiry(state: LicenseState, now: Date): void {
    const thresholds = this.host.options().expiryWarningDays;
    const threshold = crossedThreshold(state, thresholds, this.announced.days, now);
    if (threshold === undefined || !state.expiresAt) return;
    for (const days of thresholds) if (days >= threshold) this.announced.days.add(days);
    const left = daysLeft(state.expiresAt, now);
    this.logger.warn(`license expires in ${left} day${left === 1 ? '' : 's'} — ${isoSeconds(state.expiresAt)}`);
    this.host.emit({
      type: 'license.expiring',
      current: state,
      daysLeft: left,
      thresholdDays: threshold,
      expiresAt: state.expiresAt,
    });
  }

  /** `license.grace`, once per key: at `exp` while running, or at startup inside the grace period. */
  private announceGrace(state: LicenseState): void {
    if (!state.grace || !state.expiresAt || this.announced.grace) return;
    this.announced.grace = true;
    this.host.emit({
      type: 'license.grace',
      current: state,
      expiresAt: state.expiresAt,
      graceEndsAt: state.grace.endsAt,
    });
  }

  /** Arms one unref'd timer for the next threshold, `exp` or the end of grace. */
  private schedule(): void {
    this.clear();
    if (!this.running) return;
    const delay = nextCheckDelay(
      this.host.state(),
      this.host.options().expiryWarningDays,
      this.announced.days,
      this.host.now(),
    );
    if (delay === undefined) return;
    this.timer = setTimeout(() => this.tick(), delay);
    this.timer.unref();
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
