import type { LicenseState } from '@liberty/license';
import { humanDate, licenseCondition, recoveryFor, timeLeft, type LicenseKeySource } from './license-condition.util.js';

// One decision for every colour and status text of the screens: the status, the chip, the dots.

const NOW = new Date('2026-05-01T12:00:00Z');
const DAY = 86_400_000;
const variable: LicenseKeySource = { kind: 'variable', name: 'LIBERTY_LICENSE_KEY' };

function state(status: LicenseState['status'], extra: Partial<LicenseState> = {}): LicenseState {
  return {
    status,
    enforcement: 'restricted',
    entitlements: { features: new Set<string>(), aiProviders: [] },
    verifiedAt: NOW,
    warnings: [],
    ...extra,
  };
}

const accepted = (msLeft: number) => state('accepted', { expiresAt: new Date(NOW.getTime() + msLeft) });

describe('licenseCondition', () => {
  it('no key: neutral, nothing works, no chip, and how to install one from where the key is read', () => {
    expect(licenseCondition(state('not-configured'), { now: NOW, keySource: variable })).toMatchObject({
      key: 'not-configured',
      tone: 'neutral',
      working: false,
      expiry: null,
      recovery: expect.stringContaining('environment variable LIBERTY_LICENSE_KEY'),
    });
    expect(
      licenseCondition(state('not-configured'), { now: NOW, keySource: { kind: 'database', name: 'database' } })
        .recovery,
    ).toContain('Activate a license key');
  });

  it('a rejected key never shows a green chip or working dots, and says what to do', () => {
    const rejected = state('rejected', { reason: 'audience mismatch', expiresAt: new Date(NOW.getTime() + 365 * DAY) });
    expect(licenseCondition(rejected, { now: NOW, keySource: variable })).toMatchObject({
      key: 'rejected',
      tone: 'critical',
      working: false,
      expiry: { tone: 'neutral', text: '1 May 2027' },
      recovery: 'The key was issued for another product: confirm the vendor sent a Liberty key.',
    });
  });

  it('an expired key: red chip "Expired <date>", the renewal hint', () => {
    const expired = state('rejected', { reason: 'expired (2026-04-29)', expiresAt: new Date('2026-04-29T00:00:00Z') });
    expect(licenseCondition(expired, { now: NOW, keySource: variable })).toMatchObject({
      key: 'expired',
      tone: 'critical',
      working: false,
      expiry: { tone: 'critical', text: 'Expired 29 April 2026' },
      recovery: 'Install a renewed key.',
    });
  });

  it.each([
    [200 * DAY, 'accepted', 'ok', '17 November 2026 · 200 days left'],
    [30 * DAY, 'warning', 'warning', '31 May 2026 · 30 days left'],
    [7 * DAY, 'critical', 'critical', '8 May 2026 · 7 days left'],
    [40_000, 'critical', 'critical', '1 May 2026 · less than an hour left'],
  ] as const)('%d ms left: %s, chip %s "%s"', (ms, key, tone, text) => {
    expect(licenseCondition(accepted(ms), { now: NOW, keySource: variable })).toMatchObject({
      key,
      tone,
      working: true,
      expiry: { tone, text },
    });
  });

  it('grace: critical, still working, one format for the dates', () => {
    const grace = state('accepted', {
      expiresAt: new Date('2026-04-29T00:00:00Z'),
      grace: { endsAt: new Date('2026-05-13T00:00:00Z') },
    });
    expect(licenseCondition(grace, { now: NOW, keySource: variable })).toMatchObject({
      key: 'grace',
      tone: 'critical',
      working: true,
      expiry: { tone: 'critical', text: 'Expired 29 April 2026 · grace until 13 May 2026' },
    });
  });

  it('the user cap: reached at 100 %, over above it (statuses of their own)', () => {
    const key = accepted(200 * DAY);
    expect(licenseCondition(key, { now: NOW, keySource: variable, userCount: 9, userCap: 10 }).key).toBe('accepted');
    expect(licenseCondition(key, { now: NOW, keySource: variable, userCount: 10, userCap: 10 })).toMatchObject({
      key: 'cap-reached',
      tone: 'warning',
      summary: 'User cap reached — 10 of 10 users. New users and re-enabled users are refused.',
    });
    expect(licenseCondition(key, { now: NOW, keySource: variable, userCount: 20, userCap: 10 })).toMatchObject({
      key: 'over-cap',
      tone: 'critical',
      recovery: 'Disable 10 users, or request a larger cap.',
    });
  });
});

describe('timeLeft and humanDate', () => {
  it.each([
    [40_000, 'less than an hour left'],
    [3_600_000, '1 hour left'],
    [23.9 * 3_600_000, '23 hours left'],
    [DAY, '1 day left'],
    [1.99 * DAY, '1 day left'],
    [30 * DAY, '30 days left'],
  ])('%d ms: "%s" (never rounded up)', (ms, text) => {
    expect(timeLeft(ms)).toBe(text);
  });

  it('dates are UTC, for people', () => {
    expect(humanDate(new Date('2026-05-19T23:59:59Z'))).toBe('19 May 2026');
  });
});

describe('recoveryFor', () => {
  it.each([
    ['signature invalid', 'Public key path'],
    ['expired (2026-04-30)', 'Install a renewed key.'],
    ['audience mismatch', 'Liberty key'],
    ['malformed', 'verbatim'],
    ['not yet valid (2027-01-01)', 'clock'],
    ['issuer mismatch', 'another vendor'],
    ['unsupported algorithm (HS256)', 'RS256'],
    ['public key unavailable (ENOENT)', 'Public key path'],
    ['invalid claims (exp)', 'new key'],
    ['instance mismatch', 'another install'],
    ['revoked', 'revoked'],
  ])('%s → mentions "%s"', (reason, words) => {
    expect(recoveryFor(reason)).toContain(words);
  });
});
