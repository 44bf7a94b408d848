import type { LicenseState } from '../interfaces/license-state.interface.js';
import { stateFromVerification } from './license-state.util.js';
import {
  buildLicenseStatusView,
  expiryLevel,
  statusLabel,
  toAidooStatus,
  userCapLevel,
} from './license-status.view.js';
import type { LicenseClaims } from '../verification/license-claims.validator.js';

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
  stateFromVerification(
    { status: 'accepted', claims: c },
    { enforcement: 'restricted', now: NOW, source: 'LIBERTY_LICENSE_KEY' },
  );
const expired = (): LicenseState =>
  stateFromVerification(
    { status: 'rejected', reason: 'expired (2026-05-19)', claims },
    { enforcement: 'restricted', now: NOW },
  );
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
    expect(expiryLevel(exp, new Date(exp.getTime() - msLeft))).toBe(level);
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
      customerId: 'acme',
      edition: 'enterprise',
      tier: null,
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
    expect(buildLicenseStatusView(accepted(), { now: NOW, userCount: count }).users).toEqual({
      count,
      max: 250,
      percent,
      level,
    });
  });

  it('a cap of 0 users is full', () => {
    const view = buildLicenseStatusView(accepted({ ...claims, features: { users: { max: 0 } }, seats: undefined }), {
      now: NOW,
      userCount: 0,
    });
    expect(view.users).toEqual({ count: 0, max: 0, percent: 100, level: 'full' });
  });

  it('no user count or no cap → no percentage', () => {
    expect(buildLicenseStatusView(accepted(), { now: NOW }).users).toEqual({
      count: null,
      max: 250,
      percent: null,
      level: null,
    });
    const uncapped = accepted({ exp: EXP, customer: 'A' });
    expect(buildLicenseStatusView(uncapped, { now: NOW, userCount: 5 }).users).toEqual({
      count: 5,
      max: null,
      percent: null,
      level: null,
    });
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

describe('toAidooStatus: fixed JSON types in every state (DESIGN.md 7a)', () => {
  const aidooClaims: LicenseClaims = {
    iss: 'aidoo.biz',
    sub: 'cust-42',
    exp: EXP,
    customer: 'Hub Customer',
    tier: 'professional',
    products: ['pika'],
    seats: 10,
  };
  const state = (
    verification: Parameters<typeof stateFromVerification>[0],
    enforcement: 'restricted' | 'soft' = 'restricted',
  ): LicenseState => stateFromVerification(verification, { enforcement, now: NOW });
  const empty = { customer: '', tier: '', seats: 0, products: [], expires_at: 0 };
  const liberty = {
    customer: 'Acme Corp',
    tier: 'enterprise',
    seats: 250,
    products: ['pika', 'vera'],
    expires_at: EXP,
  };
  const rejectedWith = (reason: string, enforcement: 'restricted' | 'soft' = 'restricted') =>
    state({ status: 'rejected', reason }, enforcement);

  it.each<[string, LicenseState, Record<string, unknown>]>([
    ['accepted (restricted)', accepted(), { valid: true, ...liberty, error: '' }],
    ['accepted (soft)', state({ status: 'accepted', claims }, 'soft'), { valid: true, ...liberty, error: '' }],
    [
      'accepted ai.doo key (tier, seats, products, no aud)',
      state({ status: 'accepted', claims: aidooClaims }),
      {
        valid: true,
        customer: 'Hub Customer',
        tier: 'professional',
        seats: 10,
        products: ['pika'],
        expires_at: EXP,
        error: '',
      },
    ],
    [
      'accepted, no cap, no products, no edition',
      state({ status: 'accepted', claims: { exp: EXP, customer: 'Bare' } }),
      { valid: true, ...empty, customer: 'Bare', expires_at: EXP, error: '' },
    ],
    ['not configured (restricted)', state(undefined), { valid: false, ...empty, error: 'not configured' }],
    ['not configured (soft)', state(undefined, 'soft'), { valid: false, ...empty, error: 'not configured' }],
    ['expired (claims kept)', expired(), { valid: false, ...liberty, error: 'expired (2026-05-19)' }],
    [
      'expired (soft)',
      state({ status: 'rejected', reason: 'expired (2026-05-19)', claims }, 'soft'),
      { valid: false, ...liberty, error: 'expired (2026-05-19)' },
    ],
    [
      'not yet valid (claims kept)',
      state({ status: 'rejected', reason: 'not yet valid (2026-05-01)', claims: aidooClaims }),
      {
        valid: false,
        customer: 'Hub Customer',
        tier: 'professional',
        seats: 10,
        products: ['pika'],
        expires_at: EXP,
        error: 'not yet valid (2026-05-01)',
      },
    ],
    ['malformed', rejectedWith('malformed'), { valid: false, ...empty, error: 'malformed' }],
    [
      'unsupported algorithm',
      rejectedWith('unsupported algorithm (HS256)'),
      { valid: false, ...empty, error: 'unsupported algorithm (HS256)' },
    ],
    [
      'public key unavailable',
      rejectedWith('public key unavailable (no public key configured)'),
      { valid: false, ...empty, error: 'public key unavailable (no public key configured)' },
    ],
    ['signature invalid', rejected(), { valid: false, ...empty, error: 'signature invalid' }],
    [
      'signature invalid (soft)',
      rejectedWith('signature invalid', 'soft'),
      { valid: false, ...empty, error: 'signature invalid' },
    ],
    [
      'audience mismatch',
      state({ status: 'rejected', reason: 'audience mismatch', claims }),
      { valid: false, ...liberty, error: 'audience mismatch' },
    ],
    [
      'issuer mismatch',
      state({ status: 'rejected', reason: 'issuer mismatch', claims: aidooClaims }),
      {
        valid: false,
        customer: 'Hub Customer',
        tier: 'professional',
        seats: 10,
        products: ['pika'],
        expires_at: EXP,
        error: 'issuer mismatch',
      },
    ],
    [
      'invalid claims',
      rejectedWith('invalid claims (seats: must be an integer number)'),
      { valid: false, ...empty, error: 'invalid claims (seats: must be an integer number)' },
    ],
  ])('%s', (_name, licenseState, body) => {
    const status = toAidooStatus(licenseState);
    expect(status).toStrictEqual(body);
    // The types a satellite parses, exactly: never null, expires_at an integer.
    expect(Object.keys(status).sort()).toEqual([
      'customer',
      'error',
      'expires_at',
      'products',
      'seats',
      'tier',
      'valid',
    ]);
    expect(typeof status.valid).toBe('boolean');
    for (const key of ['customer', 'tier', 'error'] as const) expect(typeof status[key]).toBe('string');
    expect(Number.isSafeInteger(status.seats)).toBe(true);
    expect(Number.isSafeInteger(status.expires_at)).toBe(true);
    expect(status.products.every((p) => typeof p === 'string')).toBe(true);
    expect(JSON.parse(JSON.stringify(status))).toStrictEqual(status);
  });

  it('prefers tier over edition', () => {
    expect(toAidooStatus(accepted({ ...claims, tier: 'pro' })).tier).toBe('pro');
  });
});
