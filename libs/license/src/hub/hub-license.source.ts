import { Logger } from '@nestjs/common';
import { LICENSE_LOGGER_CONTEXT } from '../license.constants.js';
import type { LicenseEnforcement } from '../interfaces/license-options.interface.js';
import { stateFromVerification } from '../state/license-state.util.js';
import type { LicenseState } from '../interfaces/license-state.interface.js';
import type { LicenseStateSource } from '../interfaces/license-state-source.interface.js';
import type { LicenseClaims } from '../verification/license-claims.validator.js';
import type { LicenseVerification } from '../verification/license.verifier.js';
import { isoSeconds, printable, RejectionReason } from '../verification/rejection-reasons.util.js';
import { MAX_TIMER_STEP_MS } from '../state/license-expiry.util.js';
import { displayHubUrl } from '../options/hub-options.resolver.js';
import type { ResolvedHubOptions } from '../interfaces/license-hub-options.interface.js';
import type { HubStatus } from './hub-status.parser.js';
import { HubWarning, type HubFetchResult, type LicenseHubClient } from './license-hub.client.js';

/** The first retry's ceiling; each further failure doubles it, up to `retryMaxSeconds` (60 s). */
export const HUB_RETRY_FIRST_SECONDS = 1;
/** No retry comes sooner than this, whatever the jitter drew (no hot loop against a dead hub). */
const HUB_RETRY_MIN_MS = 100;
/** A clock further than this from the hub's is a warning (expiry is judged by the hub's clock anyway). */
export const HUB_CLOCK_SKEW_WARNING_SECONDS = 300;

/** Time and chance for the source, injectable so that tests drive backoff and staleness without waiting. */
export interface HubSourceClock {
  /** Wall-clock ms (default `Date.now`). */
  now(): number;
  /** A number in [0, 1) for the retry jitter (default `Math.random`). */
  random(): number;
}

const SYSTEM_CLOCK: HubSourceClock = { now: () => Date.now(), random: () => Math.random() };

/** The reasons a satellite gives when it no longer trusts the hub's last answer. */
export const HubRejection = {
  /** No good answer for `maxStaleSeconds`. */
  unreachable: 'hub unreachable',
  /** The hub answered 401/403: the token is no longer accepted. */
  refused: (status: number) => `hub refused the token (HTTP ${status})`,
} as const;

/**
 * A satellite's license: the hub's last answer, asked at startup, every `refreshSeconds` and on
 * `reverify()` / `refresh()`, never per request. One request in flight at a time.
 *
 * Bounded trust: on a failed request the last good answer is kept, with a warning, for at most
 * `maxStaleSeconds` after it came (never past its own `expires_at`); then the state is rejected
 * `hub unreachable`. A 401/403 ends the trust at once. While the hub fails, requests are retried
 * with full-jitter exponential backoff (random 0–min(`retryMaxSeconds`, 1 s × 2^n)).
 *
 * One clock: each answer's `Date` header gives the hub's clock; expiry is judged by it, and a
 * skew above 5 minutes is a warning.
 */
export class HubLicenseSource implements LicenseStateSource {
  private readonly logger = new Logger(LICENSE_LOGGER_CONTEXT);
  private readonly display: string;
  /** The last well-formed answer and when it came (local ms). */
  private last?: { status: HubStatus; at: number };
  /** The warning of the latest request, when it failed. */
  private failure?: string;
  /** Set by a 401/403, cleared by the next good answer. */
  private refused?: number;
  private failures = 0;
  /** hub clock − local clock, in ms, from the latest `Date` header. */
  private offsetMs = 0;
  private skewLogged = false;
  private inFlight?: Promise<void>;
  private asked = false;
  /** An answer arrived after startup stopped waiting for it: announce it once running. */
  private late = false;
  private changed?: () => void;
  private timer?: NodeJS.Timeout;
  /** Fires when the last answer stops being trusted (`maxStaleSeconds` after it). */
  private staleTimer?: NodeJS.Timeout;

  constructor(
    private readonly options: ResolvedHubOptions,
    private readonly client: Pick<LicenseHubClient, 'fetchStatus'>,
    private readonly clock: HubSourceClock = SYSTEM_CLOCK,
  ) {
    this.display = displayHubUrl(options.url);
  }

  async refresh(enforcement: LicenseEnforcement): Promise<LicenseState> {
    const request = this.ask();
    if (this.asked) {
      await request;
      return this.current(enforcement);
    }
    this.asked = true;
    // Startup waits at most `startupWaitMs`; a slower answer is applied when it comes.
    let waiting: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      request.then(() => true),
      new Promise<boolean>((resolve) => (waiting = setTimeout(() => resolve(false), this.options.startupWaitMs))),
    ]);
    clearTimeout(waiting);
    if (answered) return this.current(enforcement);
    this.late = true;
    const why = `no answer within ${this.options.startupWaitMs} ms at startup; still waiting`;
    this.logger.warn(HubWarning.unreachable(why));
    return this.snapshot(enforcement, [HubWarning.unreachable(why)]);
  }

  current(enforcement: LicenseEnforcement): LicenseState {
    return this.snapshot(enforcement, this.failure ? [this.failure] : []);
  }

  /** The hub's clock: the local clock corrected by the skew of the latest answer. */
  now(): Date {
    return new Date(this.clock.now() + this.offsetMs);
  }

  start(changed: () => void): void {
    this.changed = changed;
    this.armStale();
    // A request already under way (startup) arms the timer, and announces a late answer, when it ends.
    if (this.inFlight) return;
    this.arm();
    if (this.late) {
      this.late = false;
      changed();
    }
  }

  stop(): void {
    this.changed = undefined;
    if (this.timer) clearTimeout(this.timer);
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.timer = undefined;
    this.staleTimer = undefined;
  }

  /** One request at a time: a caller arriving while one runs shares it. */
  private ask(): Promise<void> {
    this.inFlight ??= this.client
      .fetchStatus()
      .then((result) => this.record(result))
      .finally(() => {
        this.inFlight = undefined;
        this.arm();
        this.armStale();
        if (this.late && this.changed) {
          this.late = false;
          this.changed();
        }
      });
    return this.inFlight;
  }

  private record(result: HubFetchResult): void {
    const at = this.clock.now();
    if (result.hubTime !== undefined) this.recordSkew(result.hubTime - at);
    if (result.ok) {
      this.last = { status: result.status, at };
      this.failure = undefined;
      this.refused = undefined;
      this.failures = 0;
      return;
    }
    this.failure = result.warning;
    this.refused = result.refused;
    this.failures++;
    this.logger.warn(result.warning);
  }

  /** Keeps the skew; logs once when it goes above 5 minutes (and again after it came back). */
  private recordSkew(offsetMs: number): void {
    this.offsetMs = offsetMs;
    const above = Math.abs(offsetMs) > HUB_CLOCK_SKEW_WARNING_SECONDS * 1000;
    if (above && !this.skewLogged) this.logger.warn(this.skewWarning()!);
    this.skewLogged = above;
  }

  private skewWarning(): string | undefined {
    const seconds = Math.round(this.offsetMs / 1000);
    if (Math.abs(seconds) <= HUB_CLOCK_SKEW_WARNING_SECONDS) return undefined;
    const direction = seconds > 0 ? 'behind' : 'ahead of';
    return (
      `this clock is ${Math.abs(seconds)} s ${direction} the hub's (more than ${HUB_CLOCK_SKEW_WARNING_SECONDS} s); ` +
      "expiry is judged by the hub's clock"
    );
  }

  /**
   * The next scheduled request: `refreshSeconds` after an answer; after a failure a random wait
   * between 0 and min(`retryMaxSeconds`, 1 s × 2^(failures − 1)) (full jitter), never longer than
   * `refreshSeconds`.
   */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.changed) return;
    const refreshMs = this.options.refreshSeconds * 1000;
    let delayMs = refreshMs;
    if (this.failures > 0) {
      const ceilingMs = Math.min(
        this.options.retryMaxSeconds * 1000,
        HUB_RETRY_FIRST_SECONDS * 1000 * 2 ** Math.min(this.failures - 1, 20),
      );
      delayMs = Math.min(refreshMs, Math.max(HUB_RETRY_MIN_MS, Math.floor(this.clock.random() * ceilingMs)));
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.ask().then(() => this.changed?.());
    }, delayMs);
    // Nothing here keeps the process alive.
    this.timer.unref();
  }

  /** While the last answer is trusted stale, one timer ends the trust at `maxStaleSeconds`. */
  private armStale(): void {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = undefined;
    if (!this.changed || !this.failure || this.refused || !this.last) return;
    const leftMs = this.last.at + this.options.maxStaleSeconds * 1000 - this.clock.now();
    if (leftMs < 0) return;
    this.staleTimer = setTimeout(
      () => {
        this.staleTimer = undefined;
        this.armStale(); // a long wait is chained in steps
        this.changed?.();
      },
      Math.min(leftMs + 1, MAX_TIMER_STEP_MS),
    );
    this.staleTimer.unref();
  }

  /** The snapshot of the last answer, judged now by the hub's clock, with the trust bounds applied. */
  private snapshot(enforcement: LicenseEnforcement, warnings: string[]): LicenseState {
    const local = this.clock.now();
    const hubNow = new Date(local + this.offsetMs);
    const context = { enforcement, now: new Date(local), source: this.display };
    const skew = this.skewWarning();
    if (skew) warnings.push(skew);
    const claims = this.last ? claimsOf(this.last.status) : undefined;
    const distrusted = (reason: string): LicenseState =>
      stateFromVerification(claims ? { status: 'rejected', reason, claims } : { status: 'rejected', reason }, {
        ...context,
        warnings,
      });
    if (this.refused) return distrusted(HubRejection.refused(this.refused));
    if (!this.last) return stateFromVerification(undefined, { ...context, warnings });
    if (this.failure) {
      const trustedUntil = this.last.at + this.options.maxStaleSeconds * 1000;
      if (local >= trustedUntil) return distrusted(HubRejection.unreachable);
      const expiresAt = this.last.status.valid ? this.last.status.expires_at * 1000 - this.offsetMs : Infinity;
      warnings.push(
        `keeping the hub's answer of ${isoSeconds(new Date(this.last.at))} until ${isoSeconds(new Date(Math.min(trustedUntil, expiresAt)))}`,
      );
    }
    return stateFromVerification(verificationOf(this.last.status, hubNow), { ...context, warnings });
  }
}

/** The hub's answer as a verification outcome: the service, events and guard treat it like a local key. */
function verificationOf(status: HubStatus, now: Date): LicenseVerification | undefined {
  const claims = claimsOf(status);
  if (status.valid && claims) {
    const expiresAt = new Date(claims.exp * 1000);
    // A cached answer past its own expiry locks, as a local key does at `exp`.
    return now < expiresAt
      ? { status: 'accepted', claims }
      : { status: 'rejected', reason: RejectionReason.expired(expiresAt), claims };
  }
  if (status.error === 'not configured') return undefined;
  // The hub's reason is shown as it said it, escaped (it is text from the network).
  const reason = printable(status.error, 200);
  return claims ? { status: 'rejected', reason, claims } : { status: 'rejected', reason };
}

/** `products` → `product:<id>` features, `seats` → the user cap; zero values mean unknown. */
function claimsOf(status: HubStatus): LicenseClaims | undefined {
  if (status.expires_at === 0) return undefined;
  return Object.freeze({
    exp: status.expires_at,
    customer: status.customer,
    ...(status.tier !== '' ? { tier: status.tier } : {}),
    products: status.products,
    ...(status.seats > 0 ? { seats: status.seats } : {}),
  });
}
