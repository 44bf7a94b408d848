import { readFileSync } from 'node:fs';
import * as api from '@liberty/license';

describe('public-api', () => {
  // The root entry point is the package's semver promise: at most 60 names, each one on purpose.
  // An export added (or dropped) by accident fails here; move a helper to a subpath instead
  // ('@liberty/license/verify', '/status', '/redis', '/terminus', '/prometheus', '/testing').
  const VALUES = [
    'AiMessageLimitReachedException',
    'AiProviderNotLicensedException',
    'AiUsageExceptionFilter',
    'AiUsageLimiter',
    'EnvironmentKeyStore',
    'FileKeyStore',
    'InMemoryUsageStore',
    'KeyStoreReadError',
    'LICENSE_KEY_STORE',
    'LICENSE_SHARED_ORIGIN',
    'LicenseActivationError',
    'LicenseConfigurationError',
    'LicenseGuard',
    'LicenseModule',
    'LicenseRequiredGraphQLError',
    'LicenseService',
    'LicensedRegistry',
    'OnLicenseEvent',
    'ReadOnlyKeyStoreError',
    'RequiresLicense',
    'SEAT_COUNTER',
    'SeatLimitReachedException',
    'SeatLimiter',
    'USAGE_STORE',
    'UsageStoreUnavailableException',
    'keyReferenceProblem',
  ].sort();

  function declaredNames(source: string): string[] {
    const names: string[] = [];
    for (const match of source.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
      for (const item of match[1].split(',')) {
        const name = item
          .trim()
          .replace(/^type /, '')
          .split(' as ')
          .at(-1)!
          .trim();
        if (name) names.push(name);
      }
    }
    return names.sort();
  }

  it('exports exactly the pinned values at run time', () => {
    expect(Object.keys(api).sort()).toEqual(VALUES);
  });

  it('declares at most 60 names in all (values and types), none twice', () => {
    const names = declaredNames(readFileSync(new URL('../../libs/license/src/index.ts', import.meta.url), 'utf8'));
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeLessThanOrEqual(60);
    expect(names.filter((n) => VALUES.includes(n))).toEqual(VALUES);
  });
});
