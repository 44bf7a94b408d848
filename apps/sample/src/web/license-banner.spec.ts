import type { LicenseState } from '@liberty/license';
import { licenseBanner } from './license-banner.js';

// The banner texts of DESIGN.md 7a, for each license status and enforcement.

function state(status: LicenseState['status'], enforcement: LicenseState['enforcement'], reason?: string): LicenseState {
  return {
    status,
    ...(reason !== undefined ? { reason } : {}),
    enforcement,
    entitlements: { features: new Set<string>(), aiProviders: [] },
    verifiedAt: new Date('2026-01-01T00:00:00Z'),
    warnings: [],
  } as LicenseState;
}

describe('licenseBanner', () => {
  it.each([
    ['restricted', 'not-configured', undefined, 'Restricted mode — licensed features are disabled: Not configured'],
    ['restricted', 'rejected', 'signature invalid', 'Restricted mode — licensed features are disabled: Rejected — signature invalid'],
    ['restricted', 'rejected', 'expired (2026-05-19)', 'Restricted mode — licensed features are disabled: Rejected — expired (2026-05-19)'],
    ['soft', 'not-configured', undefined, 'No license — activate to remove this notice'],
    ['soft', 'rejected', 'expired (2026-05-19)', 'License expired'],
    ['soft', 'rejected', 'signature invalid', 'License rejected — signature invalid'],
    // Every signed-in user sees the banner: the category only, never the path or error code (issue 20).
    ['soft', 'rejected', 'public key unavailable (cannot read /etc/app/public.pem: ENOENT)', 'License rejected — public key unavailable'],
    ['restricted', 'rejected', 'public key unavailable (cannot read /etc/app/public.pem: ENOENT)', 'Restricted mode — licensed features are disabled: Rejected — public key unavailable'],
  ] as const)('%s, %s (%s): "%s"', (enforcement, status, reason, text) => {
    expect(licenseBanner(state(status, enforcement, reason))).toEqual({ shown: true, mode: enforcement, status, text });
  });

  it.each(['restricted', 'soft'] as const)('shows nothing for an accepted license (%s)', (enforcement) => {
    expect(licenseBanner(state('accepted', enforcement))).toEqual({ shown: false, mode: enforcement, status: 'accepted', text: '' });
  });

  it.each(['restricted', 'soft'] as const)('inside a grace period (%s): the grace banner, mode "grace"', (enforcement) => {
    const grace = {
      ...state('accepted', enforcement),
      expiresAt: new Date('2026-05-19T00:00:00Z'),
      grace: { endsAt: new Date('2026-06-02T00:00:00Z') },
    } as LicenseState;
    expect(licenseBanner(grace)).toEqual({
      shown: true,
      mode: 'grace',
      status: 'accepted',
      text: 'License expired on 2026-05-19 — grace period until 2026-06-02; renew the license',
    });
  });
});
