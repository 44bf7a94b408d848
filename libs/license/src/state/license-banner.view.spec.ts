import type { LicenseState } from '../interfaces/license-state.interface.js';
import { licenseBanner } from './license-banner.view.js';

// The banner texts of DESIGN.md 7a, for each license status and enforcement, with their severity
// and audience (docs/sample-app-screens.md).

const NOW = new Date('2026-05-01T12:00:00Z');
const DAY = 86_400_000;

function state(
  status: LicenseState['status'],
  enforcement: LicenseState['enforcement'],
  reason?: string,
  extra: Partial<LicenseState> = {},
): LicenseState {
  return {
    status,
    ...(reason !== undefined ? { reason } : {}),
    enforcement,
    entitlements: { features: new Set<string>(), aiProviders: [] },
    verifiedAt: new Date('2026-01-01T00:00:00Z'),
    warnings: [],
    ...extra,
  };
}

const admin = { canAct: true, now: NOW };
const viewer = { canAct: false, now: NOW };

describe('licenseBanner', () => {
  it.each([
    [
      'restricted',
      'rejected',
      'signature invalid',
      'critical',
      'Restricted mode — licensed features are disabled: Rejected — signature invalid',
    ],
    [
      'restricted',
      'rejected',
      'expired (2026-05-19)',
      'critical',
      'Restricted mode — licensed features are disabled: Rejected — expired (2026-05-19)',
    ],
    ['soft', 'rejected', 'expired (2026-05-19)', 'warning', 'License expired'],
    ['soft', 'rejected', 'signature invalid', 'warning', 'License rejected — signature invalid'],
    // Every signed-in user sees the banner: the category only, never the path or error code (issue 20).
    [
      'soft',
      'rejected',
      'public key unavailable (cannot read /etc/app/public.pem: ENOENT)',
      'warning',
      'License rejected — public key unavailable',
    ],
    [
      'restricted',
      'rejected',
      'public key unavailable (cannot read /etc/app/public.pem: ENOENT)',
      'critical',
      'Restricted mode — licensed features are disabled: Rejected — public key unavailable',
    ],
  ] as const)('%s, %s (%s): %s "%s", for every user', (enforcement, status, reason, tone, text) => {
    for (const audience of [admin, viewer]) {
      expect(licenseBanner(state(status, enforcement, reason), audience)).toEqual({
        shown: true,
        mode: enforcement,
        tone,
        status,
        text,
      });
    }
  });

  it.each([
    ['restricted', 'Restricted mode — licensed features are disabled: Not configured'],
    ['soft', 'No license — activate to remove this notice'],
  ] as const)('no key (%s): an informational notice, only for users who can act', (enforcement, text) => {
    expect(licenseBanner(state('not-configured', enforcement), admin)).toEqual({
      shown: true,
      mode: enforcement,
      tone: 'info',
      status: 'not-configured',
      text,
    });
    expect(licenseBanner(state('not-configured', enforcement), viewer)).toMatchObject({ shown: false, text: '' });
  });

  it.each(['restricted', 'soft'] as const)(
    'shows nothing for an accepted license more than 30 days from expiry (%s)',
    (enforcement) => {
      const accepted = state('accepted', enforcement, undefined, { expiresAt: new Date(NOW.getTime() + 31 * DAY) });
      expect(licenseBanner(accepted, admin)).toEqual({
        shown: false,
        mode: enforcement,
        tone: 'info',
        status: 'accepted',
        text: '',
      });
    },
  );

  it.each([
    [30 * DAY, 'warning', 'The license expires on 31 May 2026 — 30 days left; renew it before then'],
    [20 * DAY + 5 * 3_600_000, 'warning', 'The license expires on 21 May 2026 — 20 days left; renew it before then'],
    [7 * DAY, 'critical', 'The license expires on 8 May 2026 — 7 days left; renew it before then'],
    [36 * 3_600_000, 'critical', 'The license expires on 3 May 2026 — 1 day left; renew it before then'],
    [40_000, 'critical', 'The license expires on 1 May 2026 — less than an hour left; renew it before then'],
  ] as const)(
    '%d ms before expiry: a %s "expiring" banner for users who can act, never rounded up',
    (ms, tone, text) => {
      const expiring = state('accepted', 'restricted', undefined, { expiresAt: new Date(NOW.getTime() + ms) });
      expect(licenseBanner(expiring, admin)).toEqual({ shown: true, mode: 'expiring', tone, status: 'accepted', text });
      expect(licenseBanner(expiring, viewer).shown).toBe(false);
    },
  );

  it.each(['restricted', 'soft'] as const)(
    'inside a grace period (%s): the grace banner with dates for people, mode "grace"',
    (enforcement) => {
      const grace = state('accepted', enforcement, undefined, {
        expiresAt: new Date('2026-05-19T00:00:00Z'),
        grace: { endsAt: new Date('2026-06-02T00:00:00Z') },
      });
      expect(licenseBanner(grace, admin)).toEqual({
        shown: true,
        mode: 'grace',
        tone: 'critical',
        status: 'accepted',
        text: 'License expired on 19 May 2026 — grace period until 2 June 2026; renew the license',
      });
      expect(licenseBanner(grace, viewer).shown).toBe(false);
    },
  );
});
