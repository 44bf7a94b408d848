import { parseHubStatus } from './hub-status.parser.js';

const good = {
  valid: true,
  customer: 'Acme Corp',
  tier: 'professional',
  seats: 10,
  products: ['pika'],
  expires_at: 1_742_256_000,
  error: '',
};

describe('parseHubStatus', () => {
  it('accepts the exact ai.doo shape and ignores extra fields (a newer hub may add some)', () => {
    expect(parseHubStatus({ ...good, extra: { anything: 1 } })).toEqual({ ok: true, status: good });
  });

  it('accepts the zero values of an unlicensed hub', () => {
    const none = {
      valid: false,
      customer: '',
      tier: '',
      seats: 0,
      products: [],
      expires_at: 0,
      error: 'not configured',
    };
    expect(parseHubStatus(none)).toEqual({ ok: true, status: none });
  });

  it.each<[string, unknown, string]>([
    ['null', null, 'not a JSON object'],
    ['a missing field', { ...good, tier: undefined }, 'tier must be a string'],
    ['ISO expires_at', { ...good, expires_at: '2026-12-31T08:07:40Z' }, 'expires_at must be an integer'],
    ['negative seats', { ...good, seats: -1 }, 'seats must be from 0 to 1000000000'],
    ['absurd expires_at', { ...good, expires_at: 1e15 }, 'expires_at must be from 0 to 253402300799'],
    ['a long customer', { ...good, customer: 'x'.repeat(201) }, 'customer must be at most 200 characters'],
    [
      'too many products',
      { ...good, products: Array.from({ length: 1001 }, (_, i) => `p${i}`) },
      'products must have at most 1000 entries',
    ],
    ['a non-string product', { ...good, products: [1] }, 'products must be an array of strings'],
    ['valid with an error', { ...good, error: 'x' }, 'a valid license must have an empty error'],
    ['invalid without an error', { ...good, valid: false }, 'an invalid license must say why in error'],
  ])('%s → %s', (_name, body, why) => {
    expect(parseHubStatus(body)).toEqual({ ok: false, why });
  });
});
