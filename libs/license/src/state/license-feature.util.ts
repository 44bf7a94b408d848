import { FEATURE_NAMESPACES, type FeatureNamespace } from '../license.constants.js';
import { FEATURE_ID_PATTERN, type LicenseClaims } from '../verification/license-claims.validator.js';

export interface ParsedFeature {
  namespace: FeatureNamespace;
  id: string;
}

/** Parses `connector:sap`; `undefined` for an unknown namespace or a bad id. */
export function parseFeature(feature: unknown): ParsedFeature | undefined {
  if (typeof feature !== 'string') return undefined;
  const colon = feature.indexOf(':');
  const namespace = feature.slice(0, colon) as FeatureNamespace;
  const id = feature.slice(colon + 1);
  if (colon < 0 || !FEATURE_NAMESPACES.includes(namespace) || !FEATURE_ID_PATTERN.test(id)) {
    return undefined;
  }
  return { namespace, id };
}

/** Why a feature string is refused, for startup errors. */
export function describeBadFeature(feature: unknown): string {
  if (typeof feature !== 'string') return 'a feature must be a string such as "connector:sap"';
  const expected = FEATURE_NAMESPACES.map((n) => `${n}:`).join(', ');
  const colon = feature.indexOf(':');
  if (colon < 0) return `"${feature}" has no namespace (expected one of ${expected})`;
  const namespace = feature.slice(0, colon);
  if (!(FEATURE_NAMESPACES as readonly string[]).includes(namespace)) {
    return `unknown feature namespace "${namespace}" in "${feature}" (expected one of ${expected})`;
  }
  return `bad feature id in "${feature}" (1-64 letters, digits, ".", "_" or "-")`;
}

/** The ids a key's claims name in one namespace (`connector` → `features.connectors`, …). */
export function claimedIds(claims: LicenseClaims | undefined, namespace: FeatureNamespace): readonly string[] {
  switch (namespace) {
    case 'connector':
      return claims?.features?.connectors ?? [];
    case 'app':
      return claims?.features?.apps ?? [];
    case 'product':
      return claims?.products ?? [];
    case 'ai':
      return claims?.features?.ai?.providers ?? [];
  }
}

/** Every feature a set of verified claims grants, as `namespace:id` strings. */
export function grantedFeatures(claims: LicenseClaims): Set<string> {
  const granted = new Set<string>();
  for (const namespace of FEATURE_NAMESPACES) {
    for (const id of claimedIds(claims, namespace)) granted.add(`${namespace}:${id}`);
  }
  return granted;
}
