import type { Logger } from '@nestjs/common';
import { graceWarning } from '../state/license-expiry.util.js';
import type { LicenseState } from '../interfaces/license-state.interface.js';
import { isoSeconds, printable } from '../verification/rejection-reasons.util.js';

/*
 * The documented log lines, in one place. Every value taken from a key is escaped
 * (`printable`); the key itself is never logged.
 */

/** `license accepted — …`, or `license rejected — …` and the restricted / soft line. */
export function logLicenseState(logger: Logger, state: LicenseState): void {
  if (state.status === 'accepted' && state.claims) {
    const c = state.claims;
    const edition = c.edition ?? c.tier ?? '';
    logger.log(
      `license accepted — customer="${printable(c.customer, 200)}" ${edition === '' ? '' : `edition="${printable(edition, 200)}" `}` +
        `expires=${isoSeconds(new Date(c.exp * 1000))}`,
    );
    if (state.grace) logger.warn(graceWarning(new Date(c.exp * 1000), state.grace.endsAt));
    return;
  }
  if (state.status === 'rejected') logger.warn(`license rejected — reason="${state.reason}"`);
  if (state.enforcement === 'restricted') {
    logger.warn('running in restricted mode — licensed features disabled');
  } else {
    logger.warn('running unlicensed — enforcement is soft, nothing is gated');
  }
}

/** An activation refused: the running license is unchanged. */
export function logActivationRefused(logger: Logger, reason: string): void {
  logger.warn(`license activation refused — reason="${printable(reason, 300)}"; the current license is unchanged`);
}

/** A key activated (stored) or deactivated (cleared); the verification line follows. */
export function logKeyStoreChange(
  logger: Logger,
  change: 'activated' | 'deactivated',
  store: string | undefined,
): void {
  logger.log(`license ${change} — key store ${printable(store ?? 'keyStore', 300)}`);
}
