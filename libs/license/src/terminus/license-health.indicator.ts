import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { daysLeft } from '../state/license-expiry.util.js';
import type { LicenseState, LicenseStatus } from '../interfaces/license-state.interface.js';
import { LicenseService } from '../license.service.js';
import { isoSeconds, publicReason } from '../verification/rejection-reasons.util.js';

/**
 * A license condition that can make the indicator `down`: a status, or `expired` (a rejection
 * because `exp` passed; `rejected` covers it too).
 */
export type LicenseHealthCondition = LicenseStatus | 'expired';

export interface LicenseHealthOptions {
  /**
   * The conditions that report `down`. Default: none — restricted mode is a normal mode of the
   * product, not an outage, so a liveness probe must not restart it. Readiness gates that want
   * traffic only with a valid license use `['not-configured', 'rejected']`.
   */
  downWhen?: readonly LicenseHealthCondition[];
}

/** What the indicator adds under its key (`status` is Terminus's own `up` / `down`). */
export interface LicenseHealthDetails extends Record<string, unknown> {
  licenseStatus: LicenseStatus;
  /** The rejection reason without file paths (`publicReason`), `null` when accepted or not configured. */
  reason: string | null;
  /** `exp` of the last verified key (ISO 8601, UTC), `null` when none. */
  expiresAt: string | null;
  /** Whole days left until `expiresAt` (negative once expired), `null` when none. */
  daysLeft: number | null;
}

/**
 * Terminus health indicator for the license. Reads the in-memory snapshot: a probe never
 * verifies the key. Customer and edition are left out: health routes are usually public.
 *
 * ```ts fragment
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.license.isHealthy('license')]); }
 * ```
 */
@Injectable()
export class LicenseHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly license: LicenseService,
  ) {}

  isHealthy<const Key extends string = 'license'>(
    key: Key = 'license' as Key,
    options: LicenseHealthOptions = {},
  ): HealthIndicatorResult<Key, 'up' | 'down', LicenseHealthDetails> {
    const state = this.license.state;
    const details = licenseHealthDetails(state, new Date());
    const session = this.indicators.check(key);
    return isDown(state, options.downWhen ?? []) ? session.down(details) : session.up(details);
  }
}

export function licenseHealthDetails(state: LicenseState, now: Date): LicenseHealthDetails {
  return {
    licenseStatus: state.status,
    reason: publicReason(state.reason) ?? null,
    expiresAt: state.expiresAt ? isoSeconds(state.expiresAt) : null,
    daysLeft: state.expiresAt ? daysLeft(state.expiresAt, now) : null,
  };
}

function isDown(state: LicenseState, downWhen: readonly LicenseHealthCondition[]): boolean {
  if (downWhen.includes(state.status)) return true;
  return downWhen.includes('expired') && state.status === 'rejected' && isExpiry(state);
}

/** Rejected because `exp` passed (the reason is `expired (YYYY-MM-DD)`). */
function isExpiry(state: LicenseState): boolean {
  return state.reason?.startsWith('expired (') === true;
}
