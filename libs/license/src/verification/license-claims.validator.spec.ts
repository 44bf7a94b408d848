import { checkNumericDates, validateLicenseClaims } from './license-claims.validator.js';

const base = () => ({
  iss: 'nomana-it',
  aud: 'liberty',
  sub: 'acme',
  iat: 1747612800,
  nbf: 1747612800,
  exp: 1779148800,
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
  seats: 10,
});

describe('validateLicenseClaims', () => {
  it('returns every claim of DESIGN.md section 3 unchanged', () => {
    expect(validateLicenseClaims(base())).toEqual({ ok: true, claims: base() });
  });

  it('accepts the smallest key: exp and customer', () => {
    expect(validateLicenseClaims({ exp: 1779148800, customer: 'A' })).toEqual({
      ok: true,
      claims: { exp: 1779148800, customer: 'A' },
    });
  });

  it('returns a deep-frozen copy that shares nothing with the payload', () => {
    const payload = base();
    const result = validateLicenseClaims(payload);
    if (!result.ok) throw new Error(result.detail);
    payload.features.connectors.push('hacked');
    payload.products.push('hacked');
    expect(result.claims.features?.connectors).toEqual(['jdedwards', 'sap', 'snowflake']);
    expect(result.claims.products).toEqual(['pika', 'vera']);
    expect(Object.isFrozen(result.claims)).toBe(true);
    expect(Object.isFrozen(result.claims.features?.users)).toBe(true);
    expect(Object.isFrozen(result.claims.features?.ai?.providers)).toBe(true);
  });

  it('drops unknown claims at every level', () => {
    const payload = {
      ...base(),
      admin: true,
      features: { ...base().features, extra: ['x'], users: { max: 1, min: 0 } },
    };
    const result = validateLicenseClaims(payload);
    expect(result.ok && result.claims).not.toHaveProperty('admin');
    expect(result.ok && result.claims.features).not.toHaveProperty('extra');
    expect(result.ok && result.claims.features?.users).toEqual({ max: 1 });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['customer missing', { customer: undefined }, 'customer: must be a string'],
    ['customer a number', { customer: 1 }, 'customer: must be a string'],
    ['customer empty', { customer: '' }, 'customer: must be longer than or equal to 1 characters'],
    ['iss an array', { iss: ['a'] }, 'iss: must be a string'],
    ['sub a number', { sub: 1 }, 'sub: must be a string'],
    ['tier a boolean', { tier: true }, 'tier: must be a string'],
    ['instance too long', { instance: 'i'.repeat(201) }, 'instance: must be shorter than or equal to 200 characters'],
    ['features a string', { features: 'all' }, 'features: must be an object'],
    ['connectors an object', { features: { connectors: { sap: true } } }, 'features.connectors: must be an array'],
    [
      'connector id empty',
      { features: { connectors: [''] } },
      'features.connectors: each id must be 1-64 letters, digits, ".", "_" or "-"',
    ],
    [
      'connector id with a colon',
      { features: { connectors: ['a:b'] } },
      'features.connectors: each id must be 1-64 letters, digits, ".", "_" or "-"',
    ],
    [
      'connector id of 65 characters',
      { features: { connectors: ['a'.repeat(65)] } },
      'features.connectors: each id must be 1-64 letters, digits, ".", "_" or "-"',
    ],
    ['apps with an object', { features: { apps: [{}] } }, 'features.apps: each value in apps must be a string'],
    ['users.max a float', { features: { users: { max: 1.5 } } }, 'features.users.max: must be an integer number'],
    ['users an array', { features: { users: [250] } }, 'features.users: must be an object'],
    ['ai a string', { features: { ai: 'anthropic' } }, 'features.ai: must be an object'],
    [
      'ai.providers too many',
      { features: { ai: { providers: Array<string>(65).fill('p') } } },
      'features.ai.providers: must contain no more than 64 elements',
    ],
    [
      'ai.messagesPerDay negative',
      { features: { ai: { messagesPerDay: -5 } } },
      'features.ai.messagesPerDay: must not be less than 0',
    ],
    ['products a string', { products: 'pika' }, 'products: must be an array'],
    ['seats a string', { seats: '10' }, 'seats: must be an integer number'],
    ['seats absurd', { seats: 1e10 }, 'seats: must not be greater than 1000000000'],
    ['aud an object', { aud: { liberty: true } }, 'aud: must be a string or an array of strings'],
    ['aud with a number', { aud: ['liberty', 1] }, 'aud: must be a string or an array of strings'],
    ['exp missing', { exp: undefined }, 'exp: is required'],
    ['exp a string', { exp: '1779148800' }, 'exp: must be a number'],
    ['exp NaN-like (Infinity)', { exp: Infinity }, 'exp: must be a safe integer'],
    ['exp negative', { exp: -1 }, 'exp: must be a date from 1970 to 9999'],
    ['nbf a boolean', { nbf: true }, 'nbf: must be a number'],
    ['iat a fraction', { iat: 1.25 }, 'iat: must be a safe integer'],
  ])('%s → invalid (%s)', (_name, overrides, detail) => {
    const payload: Record<string, unknown> = { ...base(), ...overrides };
    for (const key of Object.keys(overrides)) if (overrides[key] === undefined) delete payload[key];
    expect(validateLicenseClaims(payload)).toEqual({ ok: false, detail });
  });

  it('treats null in an optional claim as absent (nothing is granted by it)', () => {
    const payload = { exp: 1779148800, customer: 'A', features: null, seats: null, edition: null };
    expect(validateLicenseClaims(payload)).toEqual({ ok: true, claims: { exp: 1779148800, customer: 'A' } });
    const nested = { exp: 1, customer: 'A', features: { users: { max: null }, ai: { messagesPerDay: null } } };
    expect(validateLicenseClaims(nested)).toEqual({
      ok: true,
      claims: { exp: 1, customer: 'A', features: { users: {}, ai: {} } },
    });
  });

  it('copies only own properties: inherited or __proto__ keys never reach the claims', () => {
    const payload = JSON.parse(
      '{"exp":1779148800,"customer":"A","__proto__":{"seats":99,"products":["x"]},' +
        '"features":{"__proto__":{"connectors":["sap"]},"users":{"__proto__":{"max":5}}}}',
    ) as Record<string, unknown>;
    const result = validateLicenseClaims(payload);
    expect(result).toEqual({ ok: true, claims: { exp: 1779148800, customer: 'A', features: { users: {} } } });
    expect(({} as Record<string, unknown>).seats).toBeUndefined();
  });

  it('never throws on hostile values', () => {
    const hostile: Array<Record<string, unknown>> = [
      { exp: 1779148800, customer: 'A', features: { connectors: new Array(5) } },
      { exp: 1779148800, customer: 'A', features: Object.create(null) as object },
      { exp: 1779148800, customer: 'A', constructor: { prototype: { x: 1 } } },
    ];
    for (const payload of hostile) expect(() => validateLicenseClaims(payload)).not.toThrow();
  });
});

describe('checkNumericDates', () => {
  it('passes safe integer dates and absent nbf / iat', () => {
    expect(checkNumericDates({ exp: 1 })).toBeUndefined();
    expect(checkNumericDates({ exp: 253_402_300_799, nbf: 0, iat: 0 })).toBeUndefined();
  });
});
