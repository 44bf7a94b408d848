import type { LicenseState } from '../interfaces/license-state.interface.js';
import { statusLabel } from './license-status.view.js';
import { publicReason } from '../verification/rejection-reasons.util.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** `19 May 2026`: a date for people (UTC, like the key's claims). Screens never show a raw ISO string. */
export function humanDate(at: Date): string {
  return DATE_FORMAT.format(at);
}

/** Time left, never rounded up: 40 seconds is "less than an hour left", 1.9 days "1 day left". */
export function timeLeft(ms: number): string {
  if (ms >= DAY_MS) {
    const days = Math.floor(ms / DAY_MS);
    return `${days} ${days === 1 ? 'day' : 'days'} left`;
  }
  if (ms >= HOUR_MS) {
    const hours = Math.floor(ms / HOUR_MS);
    return `${hours} ${hours === 1 ? 'hour' : 'hours'} left`;
  }
  return 'less than an hour left';
}

/**
 * How loud a banner is: `info` (neutral: no key is the normal unlicensed mode, not an error),
 * `warning` (yellow: soft mode, expiry within 30 days), `critical` (red: licensed features are
 * off, expire within 7 days, or run on their grace period).
 */
export type BannerTone = 'info' | 'warning' | 'critical';

/** What a page's header (or a satellite's status route) shows about the license. */
export interface LicenseBanner {
  /** False when there is nothing to say to this user. */
  shown: boolean;
  /**
   * `restricted` / `soft`: the key is not accepted (the enforcement decides what is gated);
   * `grace`: the key expired and still works for its grace period; `expiring`: within 30 days of
   * expiry.
   */
  mode: LicenseState['enforcement'] | 'grace' | 'expiring';
  tone: BannerTone;
  status: LicenseState['status'];
  /** The banner text; `''` when not shown. */
  text: string;
}

export interface BannerAudience {
  /**
   * Whether the user can act on the license (holds `license:read`: sees the License page, its
   * recovery hint and renew link). Only they get the notices that ask for an action: no key,
   * expiring, grace. A key that is rejected is shown to everyone: it explains why features are gone.
   * Default `true` (a satellite's status route has no user).
   */
  canAct?: boolean;
  now?: Date;
}

/**
 * The banner texts in one place (the hub's pages and its satellites only display them). The texts for a key that
 * is not accepted — restricted: `Restricted mode — licensed features are disabled: <status label>`;
 * soft: `No license — activate to remove this notice`, `License expired`, or
 * `License rejected — <reason>`. Accepted: `License expired on <date> — grace period until <date>;
 * renew the license` inside a grace period, `The license expires on <date> — <n> days left; renew
 * it before then` from 30 days before `exp`. Dates are for people (`19 May 2026`).
 */
export function licenseBanner(state: LicenseState, audience: BannerAudience = {}): LicenseBanner {
  const canAct = audience.canAct ?? true;
  const hidden: LicenseBanner = { shown: false, mode: state.enforcement, tone: 'info', status: state.status, text: '' };
  if (state.status === 'accepted') {
    if (!canAct || !state.expiresAt) return hidden;
    if (state.grace) {
      const text = `License expired on ${humanDate(state.expiresAt)} — grace period until ${humanDate(state.grace.endsAt)}; renew the license`;
      return { shown: true, mode: 'grace', tone: 'critical', status: state.status, text };
    }
    const msLeft = state.expiresAt.getTime() - (audience.now ?? new Date()).getTime();
    if (msLeft > 30 * DAY_MS) return hidden;
    const text = `The license expires on ${humanDate(state.expiresAt)} — ${timeLeft(msLeft)}; renew it before then`;
    return {
      shown: true,
      mode: 'expiring',
      tone: msLeft <= 7 * DAY_MS ? 'critical' : 'warning',
      status: state.status,
      text,
    };
  }
  if (state.status === 'not-configured') {
    if (!canAct) return hidden;
    const text = state.enforcement === 'soft' ? 'No license — activate to remove this notice' : bannerText(state);
    return { shown: true, mode: state.enforcement, tone: 'info', status: state.status, text };
  }
  const tone: BannerTone = state.enforcement === 'soft' ? 'warning' : 'critical';
  // Shown to every user (and by satellites): the reason's category, never a file path.
  const shownState = { ...state, ...(state.reason !== undefined ? { reason: publicReason(state.reason) } : {}) };
  return { shown: true, mode: state.enforcement, tone, status: state.status, text: bannerText(shownState) };
}

function bannerText(state: LicenseState): string {
  if (state.enforcement !== 'soft') return `Restricted mode — licensed features are disabled: ${statusLabel(state)}`;
  // The reason of an expired key is `expired (YYYY-MM-DD)`.
  if (state.reason?.startsWith('expired (')) return 'License expired';
  return `License rejected — ${state.reason ?? 'unknown reason'}`;
}
