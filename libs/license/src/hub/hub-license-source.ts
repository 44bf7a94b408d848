import { Logger } from '@nestjs/common';
import { LICENSE_LOGGER_CONTEXT } from '../license.constants.js';
import type { LicenseEnforcement } from '../interfaces/license-options.interface.js';
import { stateFromVerification } from '../state/license-state.util.js';
import type { LicenseState } from '../interfaces/license-state.interface.js';
import type { LicenseStateSource } from '../interfaces/license-state-source.interface.js';
import type { LicenseClaims } from '../verification/license-claims.js';
import type { LicenseVerification } from '../verification/license-verifier.js';
import { isoSeconds, printable, RejectionReason } from '../verification/rejection-reasons.js';
import { displayHubUrl } from '../options/hub-options.resolver.js';
import type { ResolvedHubOptions } from '../interfaces/license-hub-options.interface.js';
import type { HubStatus } from './hub-status.js';
import { HubWarning, type HubFetchResult, type LicenseHubClient } from './license-hub-client.js';

/** The first retry after a failed request; each further failure doubles it, up to `refreshSeconds`. */
export const HUB_RETRY_FIRST_SECONDS = 5;

/**
 * A satellite's license: the hub's last answer, asked at startup, every `refreshSeconds` and on
 * `reverify()`, never per request. One request in flight at a time. On a failed request the last
 * answer is kept until its own `expires_at` (stale-if-error) with a warning, and the request is
 * retried sooner, with backoff (5 s, 10 s, 20 s, … up to `refreshSeconds`).
 */
export class HubLicenseSource implements LicenseStateSource {
  private readonly logger = new Logger(LICENSE_LOGGER_CONTEXT);
  private readonly display: string;
  /** The last well-formed answer and when it came. */
  private last?: { status: HubStatus; at: Date };
  /** The warning of the latest request, when it failed. */
  private failure?: string;
  private failures = 0;
  private inFlight?: Promise<void>;
  private asked = false;
  /** An answer arrived after startup stopped waiting for it: announce it once running. */
  private late = false;
  private changed?: () => void;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly options: ResolvedHubOptions,
    private readonly client: Pick<LicenseHubClient, 'fetchStatus'>,
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
    return this.snapshot(enforcement, new Date(), [HubWarning.unreachable(why)]);
  }

  current(enforcement: LicenseEnforcement): LicenseState {
    return this.snapshot(enforcement, new Date(), this.failure ? [this.failure] : []);
  }

  start(changed: () => void): void {
    this.changed = changed;
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
    this.timer = undefined;
  }

  /** One request at a time: a caller arriving while one runs shares it. */
  private ask(): Promise<void> {
    this.inFlight ??= this.client
      .fetchStatus()
      .then((result) => this.record(result))
      .finally(() => {
        this.inFlight = undefined;
        this.arm();
        if (this.late && this.changed) {
          this.late = false;
          this.changed();
        }
      });
    return this.inFlight;
  }

  private record(result: HubFetchResult): void {
    if (result.ok) {
      this.last = { status: result.status, at: new Date() };
      this.failure = undefined;
      this.failures = 0;
      return;
    }
    this.failure = result.warning;
    this.failures++;
    this.logger.warn(result.warning);
  }

  /** The next scheduled request: `refreshSeconds` after an answer, sooner after a failure. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.changed) return;
    const refresh = this.options.refreshSeconds;
    const seconds = this.failures === 0 ? refresh : Math.min(refresh, HUB_RETRY_FIRST_SECONDS * 2 ** Math.min(this.failures - 1, 20));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.ask().then(() => this.changed?.());
    }, seconds * 1000);
    // Nothing here keeps the process alive.
    this.timer.unref();
  }

  /** The snapshot of the last answer (kept while the hub fails, until its own expiry). */
  private snapshot(enforcement: LicenseEnforcement, now: Date, warnings: string[]): LicenseState {
    const context = { enforcement, now, source: this.display };
    if (!this.last) return stateFromVerification(undefined, { ...context, warnings });
    if (this.failure) {
      warnings.push(`keeping the hub's answer of ${isoSeconds(this.last.at)}` +
        (this.last.status.valid ? ` until it expires at ${isoSeconds(new Date(this.last.status.expires_at * 1000))}` : ''));
    }
    return stateFromVerification(verificationOf(this.last.status, now), { ...context, warnings });
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
