import type { LicenseClaims } from './license-claims.validator.js';

/** The issuer of ai.doo's keys: "Issuer — always aidoo.biz" (the ai.doo page's claim table). */
export const AIDOO_ISSUER = 'aidoo.biz';
/** "License tier — professional or enterprise". */
export const AIDOO_TIERS = ['professional', 'enterprise'] as const;

/**
 * The ai.doo page's claim table, for issuer-bound ai.doo keys (the module checks `issuer` and
 * lists `aidoo.biz`, and the key says `iss: aidoo.biz`): `tier` is professional or enterprise,
 * `sub` (customer identifier), `products` and `seats` are present. What breaks it is the key's
 * `invalid claims (<detail>)`; other issuers' keys are not concerned (Liberty's say `edition`).
 */
export function aidooClaimsProblem(
  claims: LicenseClaims,
  issuer: string | readonly string[] | undefined,
): string | undefined {
  const bound = issuer !== undefined && [issuer].flat().includes(AIDOO_ISSUER);
  if (!bound || claims.iss !== AIDOO_ISSUER) return undefined;
  if (!(AIDOO_TIERS as readonly string[]).includes(claims.tier ?? ''))
    return 'tier: must be professional or enterprise';
  if (!claims.sub) return 'sub: the customer identifier is required';
  if (claims.products === undefined) return 'products: the licensed products are required';
  if (claims.seats === undefined) return 'seats: the maximum number of enabled user accounts is required';
  return undefined;
}
