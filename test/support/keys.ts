// Keys for the tests, minted with the library's testing signer (`LicenseTestKit` of
// @liberty/license/testing: a fresh RSA key pair per kit, never a committed private key). Every
// key minted here is remembered, so a fixture can check that none ever shows in a response, a
// header or a log line (`expectNoKeyIn`).
import type { LicenseTestKit } from '@liberty/license/testing';

/** Every JWT a test issued: no response body, header or log line may contain one. */
export const issuedKeys = new Set<string>();

/** `kit.issue(options)`, remembered in `issuedKeys`. */
export async function issue(
  kit: LicenseTestKit,
  options: Parameters<LicenseTestKit['issue']>[0] = {},
): Promise<string> {
  const token = await kit.issue(options);
  issuedKeys.add(token);
  return token;
}

/** Throws when `text` contains a key a test issued (without printing it). */
export function expectNoKeyIn(text: string): void {
  for (const key of issuedKeys) {
    if (text.includes(key)) throw new Error('a license key (JWT) leaked into a response or a log line');
  }
}

/**
 * The claims of the sample app (Liberty): every connector/app of the sample, caps given per test.
 * `features` is the whole feature set: the kit deep-merges claims over its defaults, so the
 * default members are dropped (`undefined`) unless the test names them.
 */
export function sampleClaims(
  features: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const whole = { connectors: undefined, apps: undefined, users: undefined, ai: undefined, ...features };
  return { customer: 'Acme Corp', edition: 'enterprise', instance: 'prod-eu-west', features: whole, ...extra };
}

/**
 * The claims of an ai.doo key (the hub's): iss aidoo.biz, sub, customer, tier, products, seats —
 * no aud, and none of the kit's Liberty defaults (edition, features, instance).
 */
export function aidooClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: 'aidoo.biz',
    aud: undefined,
    sub: 'cust-42',
    edition: undefined,
    features: undefined,
    instance: undefined,
    customer: 'Acme Corp',
    tier: 'professional',
    products: ['pika', 'vera'],
    seats: 10,
    ...overrides,
  };
}

/** An ai.doo key signed by `kit` (remembered in `issuedKeys`). */
export function aidooKey(
  kit: LicenseTestKit,
  overrides: Record<string, unknown> = {},
  options: { expiresInSeconds?: number } = {},
): Promise<string> {
  return issue(kit, { claims: aidooClaims(overrides), ...options });
}
