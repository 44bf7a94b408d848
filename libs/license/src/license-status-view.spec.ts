import type { LicenseState } from './license-state.js';
import { stateFromVerification } from './license-state.js';
import { buildLicenseStatusView, expiryLevel, statusLabel, toAidooStatus, userCapLevel } from './license-status-view.js';
import type { LicenseClaims } from './verification/license-claims.js';

const NOW = new Date('2026-04-19T00:00:00Z');
const DAY = 86_400_000;
const EXP = Date.UTC(2026, 4, 19) / 1000;

const claims: LicenseClaims = {
  iss: 'nomana-it',
  aud: 'liberty',
  sub: 'acme',
  exp: EXP,
  customer: 'Acme Corp',
  edition: 'enterprise',
  instance: 'prod-eu-west',
  features: {
    connectors: ['jdedwards', 'sap', 'snowflake'],
    apps: ['nomajde', 'nomasx-1'],
    users: { max: 250 },
    ai: { providers: ['anthropic'], messagesPerDay: 5000 },
  },
  products: ['pika', 'vera'],
  seats: 300,
};

const accepted = (c: LicenseClaims = claims): LicenseState =>
  stateFromVerification({ status: 'accepted', claims: c }, { enforcement: 'restricted', now: NOW, source: 'LIBERTY_LICENSE_KEY' });
const expired = (): LicenseState =>
  stateFromVerification({ status: 'rejected', reason: 'expired (2026-05-19)', claims }, { enforcement: 'restricted', now: NOW });
const rejected = (): LicenseState =>
  stateFromVerification({ status: 'rejected', reason: 'signature invalid' }, { enforcement: 'restricted', now: NOW });
const notConfigured = (): LicenseState => stateFromVerification(undefined, { enforcement: 'soft', now: NOW });

describe('expiryLevel', () => {
  const exp = new Date(EXP * 1000);
  it.each([
    ['31 days left', 31 * DAY, 'ok'],
    ['30 days and 1 ms left', 30 * DAY + 1, 'ok'],
    ['exactly 30 days left', 30 * DAY, 'warning'],
    ['8 days left', 8 * DAY, 'warning'],
    ['exactly 7 days left', 7 * DAY, 'critical'],
    ['1 ms left', 1, 'critical'],
    ['at exp', 0, 'expired'],
    ['a day past exp', -DAY, 'expired'],
  ])('%s → %s', (_name, msLeft, level) => {
    expect(expiryLevel(exp, new Date(exp.getTime() - (msLeft as number)))).toBe(level);
  });
});

describe('userCapLevel', () => {
  it.each([
    [0, 'ok'],
    [89.9, 'ok'],
    [90, 'warning'],
    [94.9, 'warning'],
    [95, 'critical'],
    [99.9, 'critical'],
    [100, 'full'],
    [140, 'full'],
  ])('%s %% → %s', (percent, level) => {
    expect(userCapLevel(percent)).toBe(level);
  });
});

describe('statusLabel', () => {
  it('says Accepted, Rejected — <reason>, Not configured', () => {
    expect(statusLabel(accepted())).toBe('Accepted');
    expect(statusLabel(rejected())).toBe('Rejected — signature invalid');
    expect(statusLabel(expired())).toBe('Rejected — expired (2026-05-19)');
    expect(statusLabel(notConfigured())).toBe('Not configured');
  });
});

describe('buildLicenseStatusView', () => {
  it('an accepted key: every field of the License tab', () => {
    const view = buildLicenseStatusView(accepted(), {
      now: NOW,
      definedConnectors: ['sap', 'snowflake', 'postgres'],
      definedApps: ['nomajde'],
      userCount: 226,
      aiUsedToday: 12,
    });
    expect(view).toEqual({
      status: 'accepted',
      label: 'Accepted',
      reason: null,
      customer: 'Acme Corp',
      edition: 'enterprise',
      instance: 'prod-eu-west',
      expiresAt: '2026-05-19T00:00:00Z',
      expiresInDays: 30,
      expiryLevel: 'warning',
      graceEndsAt: null,
      connectors: [
        { id: 'jdedwards', defined: false },
        { id: 'sap', defined: true },
        { id: 'snowflake', defined: true },
      ],
      apps: [
        { id: 'nomajde', defined: true },
        { id: 'nomasx-1', defined: false },
      ],
      products: ['pika', 'vera'],
      // The cap is the lower of features.users.max (250) and seats (300).
      users: { count: 226, max: 250, percent: 90.4, level: 'warning' },
      ai: { providers: ['anthropic'], messagesPerDay: 5000, usedToday: 12 },
      enforcement: 'restricted',
      verifiedAt: '2026-04-19T00:00:00Z',
      warnings: [],
    });
  });

  it.each([
    [224, 89.6, 'ok'],
    [225, 90, 'warning'],
    [238, 95.2, 'critical'],
    [250, 100, 'full'],
    [260, 104, 'full'],
  ])('%s of 250 users → %s %% (%s)', (count, percent, level) => {
    expect(buildLicenseStatusView(accepted(), { now: NOW, userCount: count }).users).toEqual({ count, max: 250, percent, level });
  });

  it('a cap of 0 users is full', () => {
    const view = buildLicenseStatusView(accepted({ ...claims, features: { users: { max: 0 } }, seats: undefined }), { now: NOW, userCount: 0 });
    expect(view.users).toEqual({ count: 0, max: 0, percent: 100, level: 'full' });
  });

  it('no user count or no cap → no percentage', () => {
    expect(buildLicenseStatusView(accepted(), { now: NOW }).users).toEqual({ count: null, max: 250, percent: null, level: null });
    const uncapped = accepted({ exp: EXP, customer: 'A' });
    expect(buildLicenseStatusView(uncapped, { now: NOW, userCount: 5 }).users).toEqual({ count: 5, max: null, percent: null, level: null });
  });

  it.each([
    [60, 'ok'],
    [30, 'warning'],
    [7, 'critical'],
    [1, 'critical'],
  ])('%s days before exp → expiry level %s', (days, level) => {
    const view = buildLicenseStatusView(accepted(), { now: new Date(EXP * 1000 - days * DAY) });
    expect(view).toMatchObject({ expiresInDays: days, expiryLevel: level });
  });

  it('an expired key still shows its last verified claims', () => {
    const view = buildLicenseStatusView(expired(), { now: new Date(EXP * 1000 + DAY) });
    expect(view).toMatchObject({
      status: 'rejected',
      label: 'Rejected — expired (2026-05-19)',
      reason: 'expired (2026-05-19)',
      customer: 'Acme Corp',
      edition: 'enterprise',
      expiresAt: '2026-05-19T00:00:00Z',
      expiresInDays: -1,
      expiryLevel: 'expired',
    });
  });

  it('a rejected or unconfigured license shows no claims', () => {
    for (const state of [rejected(), notConfigured()]) {
      expect(buildLicenseStatusView(state, { now: NOW, userCount: 3 })).toMatchObject({
        customer: null,
        edition: null,
        instance: null,
        expiresAt: null,
        expiresInDays: null,
        expiryLevel: null,
        connectors: [],
        apps: [],
        products: [],
        users: { count: 3, max: null, percent: null, level: null },
        ai: { providers: [], messagesPerDay: null, usedToday: null },
      });
    }
    expect(buildLicenseStatusView(notConfigured()).enforcement).toBe('soft');
  });

  it('shows an ai.doo tier as the edition', () => {
    const view = buildLicenseStatusView(accepted({ exp: EXP, customer: 'Beta', tier: 'pro' }), { now: NOW });
    expect(view.edition).toBe('pro');
  });
});

describe('toAidooStatus', () => {
  it('has exactly the ai.doo keys', () => {
    for (const state of [accepted(), expired(), rejected(), notConfigured()]) {
      expect(Object.keys(toAidooStatus(state)).sort()).toEqual(['customer', 'error', 'expires_at', 'products', 'seats', 'tier', 'valid']);
    }
  });

  it('an accepted key', () => {
    expect(toAidooStatus(accepted())).toEqual({
      valid: true,
      customer: 'Acme Corp',
      tier: 'enterprise',
      seats: 250,
      products: ['pika', 'vera'],
      expires_at: '2026-05-19T00:00:00Z',
      error: null,
    });
  });

  it('prefers tier over edition', () => {
    expect(toAidooStatus(accepted({ ...claims, tier: 'pro' })).tier).toBe('pro');
  });

  it('rejected, expired and not configured', () => {
    expect(toAidooStatus(rejected())).toEqual({
      valid: false, customer: null, tier: null, seats: null, products: [], expires_at: null, error: 'signature invalid',
    });
    expect(toAidooStatus(expired())).toMatchObject({ valid: false, customer: 'Acme Corp', error: 'expired (2026-05-19)' });
    expect(toAidooStatus(notConfigured())).toMatchObject({ valid: false, error: 'not configured' });
  });

  it('is plain JSON (no JWT, nothing that is not data)', () => {
    const status = toAidooStatus(accepted());
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
  });
});
