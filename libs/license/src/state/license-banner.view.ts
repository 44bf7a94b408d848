import type { LicenseState } from '../interfaces/license-state.interface.js';
import { statusLabel } from './license-status.view.js';
import { publicReason, utcDate } from '../verification/rejection-reasons.js';

/** What a page's header (or a satellite's status route) shows about the license (DESIGN.md 7a). */
export interface LicenseBanner {
  /** False when the license is accepted: no banner. */
  shown: boolean;
  /**
   * Restricted mode gates (red banner); soft mode only warns (yellow banner); `grace`: the key
   * expired and still works for its grace period (red banner, nothing gated yet).
   */
  mode: LicenseState['enforcement'] | 'grace';
  status: LicenseState['status'];
  /** The banner text; `''` when not shown. */
  text: string;
}

/**
 * The banner texts of DESIGN.md 7a, in one place (the hub's pages and its satellites only display
 * them): restricted — `Restricted mode — licensed features are disabled: <status label>`;
 * soft — `No license — activate to remove this notice`, `License expired`, or
 * `License rejected — <reason>`. Inside a grace period (`graceDays`):
 * `License expired on <date> — grace period until <date>; renew the license`.
 */
export function licenseBanner(state: LicenseState): LicenseBanner {
  const base = { mode: state.enforcement, status: state.status };
  if (state.status === 'accepted' && state.grace && state.expiresAt) {
    const until = utcDate(state.grace.endsAt);
    const text = `License expired on ${utcDate(state.expiresAt)} — grace period until ${until}; renew the license`;
    return { ...base, mode: 'grace', shown: true, text };
  }
  if (state.status === 'accepted') return { ...base, shown: false, text: '' };
  // Shown to every user (and by satellites): the reason's category, never a file path (DESIGN 8).
  return { ...base, shown: true, text: bannerText({ ...state, ...(state.reason !== undefined ? { reason: publicReason(state.reason) } : {}) }) };
}

function bannerText(state: LicenseState): string {
  if (state.enforcement !== 'soft') return `Restricted mode — licensed features are disabled: ${statusLabel(state)}`;
  if (state.status === 'not-configured') return 'No license — activate to remove this notice';
  // The reason of an expired key is `expired (YYYY-MM-DD)` (DESIGN.md section 4).
  if (state.reason?.startsWith('expired (')) return 'License expired';
  return `License rejected — ${state.reason ?? 'unknown reason'}`;
}
