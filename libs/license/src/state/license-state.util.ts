import { claimedIds, grantedFeatures } from './license-feature.util.js';
import type { LicenseEnforcement } from '../interfaces/license-options.interface.js';
import type { LicenseEntitlements, LicenseState } from '../interfaces/license-state.interface.js';
import type { LicenseClaims } from '../verification/license-claims.validator.js';
import type { LicenseVerification } from '../verification/license.verifier.js';
import { graceWarning } from './license-expiry.util.js';

const NO_ENTITLEMENTS: LicenseEntitlements = serialisable({
  features: Object.freeze(new Set<string>()),
  aiProviders: Object.freeze([]),
});

/**
 * Freezes entitlements with a non-enumerable `toJSON`: `JSON.stringify(state)` would otherwise
 * print the `features` Set as `{}`. Non-enumerable so spreads and equality checks see data only.
 */
function serialisable(entitlements: LicenseEntitlements): LicenseEntitlements {
  Object.defineProperty(entitlements, 'toJSON', {
    value(this: LicenseEntitlements) {
      return { ...this, features: [...this.features].sort() };
    },
  });
  return Object.freeze(entitlements);
}

/** The enabled-user cap a key sets: `features.users.max`, else `seats`; the lower when both are set. */
export function userCapOf(claims: LicenseClaims | undefined): number | undefined {
  const caps = [claims?.features?.users?.max, claims?.seats].filter((n): n is number => n !== undefined);
  return caps.length > 0 ? Math.min(...caps) : undefined;
}

export function entitlementsOf(claims: LicenseClaims): LicenseEntitlements {
  const maxUsers = userCapOf(claims);
  const perDay = claims.features?.ai?.messagesPerDay;
  return serialisable({
    features: grantedFeatures(claims),
    ...(maxUsers !== undefined ? { maxUsers } : {}),
    aiProviders: Object.freeze([...claimedIds(claims, 'ai')]),
    ...(perDay !== undefined ? { aiMessagesPerDay: perDay } : {}),
  });
}

export function stateFromVerification(
  verification: LicenseVerification | undefined,
  context: { enforcement: LicenseEnforcement; now: Date; source?: string; warnings?: readonly string[] },
): LicenseState {
  const claims = verification?.claims;
  const grace = verification?.status === 'accepted' ? verification.grace : undefined;
  const warnings = [...(context.warnings ?? [])];
  if (grace && claims) warnings.push(graceWarning(new Date(claims.exp * 1000), grace.endsAt));
  return Object.freeze({
    status: verification?.status ?? 'not-configured',
    ...(verification?.status === 'rejected' ? { reason: verification.reason } : {}),
    ...(claims ? { claims, expiresAt: new Date(claims.exp * 1000) } : {}),
    entitlements: verification?.status === 'accepted' ? entitlementsOf(verification.claims) : NO_ENTITLEMENTS,
    enforcement: context.enforcement,
    verifiedAt: context.now,
    ...(context.source ? { source: context.source } : {}),
    warnings: Object.freeze(warnings),
    ...(grace ? { grace: Object.freeze({ endsAt: grace.endsAt }) } : {}),
  });
}

/** `state` moved into its grace period at `exp` (the timer's transition; no re-verification). */
export function stateInGrace(state: LicenseState, endsAt: Date): LicenseState {
  const warning = graceWarning(state.expiresAt!, endsAt);
  return Object.freeze({
    ...state,
    grace: Object.freeze({ endsAt }),
    warnings: Object.freeze([...state.warnings.filter((w) => w !== warning), warning]),
  });
}

/** The feature ids granted by `current` and not by `previous`, and the other way round. */
export function featureDelta(previous: LicenseState, current: LicenseState) {
  const before = previous.entitlements.features;
  const after = current.entitlements.features;
  return {
    granted: [...after].filter((f) => !before.has(f)).sort(),
    revoked: [...before].filter((f) => !after.has(f)).sort(),
  };
}

/** Whether `next` differs from `previous` in anything `license.changed` reports. */
export function stateChanged(previous: LicenseState, next: LicenseState): boolean {
  if (previous.status !== next.status || previous.reason !== next.reason) return true;
  if (previous.enforcement !== next.enforcement) return true;
  if (previous.claims?.exp !== next.claims?.exp || previous.claims?.customer !== next.claims?.customer) return true;
  const a = previous.entitlements;
  const b = next.entitlements;
  if (a.features.size !== b.features.size || [...a.features].some((f) => !b.features.has(f))) return true;
  return a.maxUsers !== b.maxUsers || a.aiMessagesPerDay !== b.aiMessagesPerDay;
}
