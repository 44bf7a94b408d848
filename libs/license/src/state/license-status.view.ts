import { daysLeft } from './license-expiry.util.js';
import { claimedIds } from './license-feature.util.js';
import { userCapOf } from './license-state.util.js';
import type { LicenseState } from '../interfaces/license-state.interface.js';
import { isoSeconds } from '../verification/rejection-reasons.util.js';

export type ExpiryLevel = 'ok' | 'warning' | 'critical' | 'expired';
/** User-cap colour scale: below 90 %, ≥ 90 %, ≥ 95 %, ≥ 100 %. */
export type UserCapLevel = 'ok' | 'warning' | 'critical' | 'full';

export interface LicenseStatusInput {
  /** Ids defined in the install, to flag licensed ids with no definition (red dot). */
  definedConnectors?: readonly string[];
  definedApps?: readonly string[];
  /** Enabled users now. */
  userCount?: number;
  /** AI messages used today (UTC). */
  aiUsedToday?: number;
  now?: Date;
}

/** Everything the License tab shows. */
export interface LicenseStatusView {
  status: LicenseState['status'];
  /** "Accepted", "Rejected — <reason>", "Not configured". */
  label: string;
  reason: string | null;
  customer: string | null;
  /** The customer identifier (`sub`), which ai.doo's page lists among a key's claims. */
  customerId: string | null;
  /** The edition, or ai.doo's `tier`: the same value either way. */
  edition: string | null;
  /** Set when the key says `tier` (ai.doo): the page then labels it "Tier". */
  tier: string | null;
  instance: string | null;
  expiresAt: string | null;
  expiresInDays: number | null;
  expiryLevel: ExpiryLevel | null;
  /** While `exp` has passed and the grace period (`graceDays`) runs: its end. The status stays accepted. */
  graceEndsAt: string | null;
  connectors: Array<{ id: string; defined: boolean }>;
  apps: Array<{ id: string; defined: boolean }>;
  products: string[];
  users: { count: number | null; max: number | null; percent: number | null; level: UserCapLevel | null };
  ai: { providers: string[]; messagesPerDay: number | null; usedToday: number | null };
  enforcement: LicenseState['enforcement'];
  verifiedAt: string;
  warnings: string[];
}

export function expiryLevel(expiresAt: Date, now: Date): ExpiryLevel {
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return 'expired';
  const days = left / 86_400_000;
  return days <= 7 ? 'critical' : days <= 30 ? 'warning' : 'ok';
}

export function userCapLevel(percent: number): UserCapLevel {
  return percent >= 100 ? 'full' : percent >= 95 ? 'critical' : percent >= 90 ? 'warning' : 'ok';
}

export function statusLabel(state: LicenseState): string {
  if (state.status === 'accepted') return 'Accepted';
  if (state.status === 'rejected') return `Rejected — ${state.reason}`;
  return 'Not configured';
}

/** Builds the License tab model from a snapshot. Claims shown after expiry are the last verified ones. */
export function buildLicenseStatusView(state: LicenseState, input: LicenseStatusInput = {}): LicenseStatusView {
  const now = input.now ?? new Date();
  const claims = state.claims;
  const definedConnectors = new Set(input.definedConnectors ?? []);
  const definedApps = new Set(input.definedApps ?? []);
  const max = userCapOf(claims) ?? null;
  const count = input.userCount ?? null;
  const percent = max !== null && count !== null ? (max === 0 ? 100 : Math.round((count / max) * 1000) / 10) : null;
  return {
    status: state.status,
    label: statusLabel(state),
    reason: state.reason ?? null,
    customer: claims?.customer ?? null,
    customerId: claims?.sub ?? null,
    edition: claims?.edition ?? claims?.tier ?? null,
    tier: claims?.tier ?? null,
    instance: claims?.instance ?? null,
    expiresAt: state.expiresAt ? isoSeconds(state.expiresAt) : null,
    expiresInDays: state.expiresAt ? daysLeft(state.expiresAt, now) : null,
    expiryLevel: state.expiresAt ? expiryLevel(state.expiresAt, now) : null,
    graceEndsAt: state.status === 'accepted' && state.grace ? isoSeconds(state.grace.endsAt) : null,
    connectors: claimedIds(claims, 'connector').map((id) => ({ id, defined: definedConnectors.has(id) })),
    apps: claimedIds(claims, 'app').map((id) => ({ id, defined: definedApps.has(id) })),
    products: [...claimedIds(claims, 'product')],
    users: { count, max, percent, level: percent === null ? null : userCapLevel(percent) },
    ai: {
      providers: [...claimedIds(claims, 'ai')],
      messagesPerDay: claims?.features?.ai?.messagesPerDay ?? null,
      usedToday: input.aiUsedToday ?? null,
    },
    enforcement: state.enforcement,
    verifiedAt: isoSeconds(state.verifiedAt),
    warnings: [...state.warnings],
  };
}

/**
 * The ai.doo status shape, exactly `{valid, customer, tier, seats, products, expires_at, error}`,
 * with fixed JSON types in every state: the satellites parse it strictly, so an
 * unknown value is the type's zero value (`""`, `0`, `[]`), never `null`.
 */
export interface AidooLicenseStatus {
  valid: boolean;
  customer: string;
  /** The `tier` claim, else `edition`. */
  tier: string;
  /** The user cap (`seats`, or `features.users.max`); 0 when the key sets none. */
  seats: number;
  products: string[];
  /** `exp` as integer Unix seconds; 0 without verified claims. */
  expires_at: number;
  /** `""` when valid; else the rejection reason, or `not configured`. */
  error: string;
}

export function toAidooStatus(state: LicenseState): AidooLicenseStatus {
  const claims = state.claims;
  const valid = state.status === 'accepted';
  return {
    valid,
    customer: claims?.customer ?? '',
    tier: claims?.tier ?? claims?.edition ?? '',
    seats: userCapOf(claims) ?? 0,
    products: [...claimedIds(claims, 'product')],
    expires_at: claims ? claims.exp : 0,
    error: valid ? '' : state.status === 'rejected' ? (state.reason ?? 'rejected') : 'not configured',
  };
}
