import type { DynamicModule } from '@nestjs/common';
import type { EnvironmentReader } from '../key-stores/environment-key.store.js';
import type { LicenseModuleOptions } from '../interfaces/license-options.interface.js';
import { LICENSE_ENVIRONMENT } from '../license.internal-constants.js';
import { LicenseModule } from '../license.module.js';
import { generateLicenseKeyPair, signLicense, type PemKeyPair } from './license.signer.js';

const DAY = 86_400;

/** The claims `issue()` signs when given none: a year-long enterprise key for audience `liberty`. */
export function defaultTestClaims(now = new Date()): Record<string, unknown> {
  const iat = Math.floor(now.getTime() / 1000);
  return {
    iss: 'test-vendor',
    aud: 'liberty',
    sub: 'test-customer',
    iat,
    nbf: iat,
    exp: iat + 365 * DAY,
    customer: 'Test Customer',
    edition: 'enterprise',
    features: {
      connectors: ['sap'],
      apps: [],
      users: { max: 10 },
      ai: { providers: ['anthropic'], messagesPerDay: 100 },
    },
  };
}

export interface TestKeyOptions {
  /**
   * Claims deep-merged over `defaultTestClaims()`: objects (`features`, `features.ai`, …) merge
   * member by member, arrays and other values replace, `undefined` drops a claim.
   */
  claims?: Record<string, unknown>;
  /** Shorthand for `exp`: seconds from now (negative for an expired key). */
  expiresInSeconds?: number;
  kid?: string;
  /** Extra protected-header fields. */
  header?: Record<string, unknown>;
}

export type TestLicenseState = 'accepted' | 'expired' | 'rejected' | 'not-configured';

export interface TestModuleOptions extends Partial<LicenseModuleOptions> {
  /** The license state to start in (default `accepted`). Ignored when `token` is given. */
  state?: TestLicenseState;
  /** Exactly this key (what the app would read from its variable). */
  token?: string;
  /** Claims of the generated key (merged over the defaults). */
  claims?: Record<string, unknown>;
}

/**
 * Throw-away signing keys and license keys for tests, so nobody hand-rolls JWTs.
 *
 * ```ts
 * const kit = await LicenseTestKit.create();
 * const moduleRef = await Test.createTestingModule({
 *   imports: [await kit.module({ claims: { features: { connectors: ['sap'] } } })],
 * }).compile();
 * ```
 */
export class LicenseTestKit {
  private constructor(readonly keys: PemKeyPair) {}

  /** Generates a fresh 2048-bit key pair (fast enough for a test's `beforeAll`). */
  static async create(bits = 2048): Promise<LicenseTestKit> {
    return new LicenseTestKit(await generateLicenseKeyPair(bits));
  }

  get publicKey(): string {
    return this.keys.publicKey;
  }

  get privateKey(): string {
    return this.keys.privateKey;
  }

  /** Signs a key with this kit's private key. */
  issue(options: TestKeyOptions = {}): Promise<string> {
    const claims = mergeClaims(defaultTestClaims(), options.claims ?? {});
    if (options.expiresInSeconds !== undefined) {
      claims.exp = Math.floor(Date.now() / 1000) + options.expiresInSeconds;
    }
    return signLicense(claims, { privateKey: this.keys.privateKey, kid: options.kid, header: options.header });
  }

  /**
   * Signs a revocation list `{ iss, iat, revoked }` with this kit's private key (what
   * `liberty-license revoke` writes). `iat` defaults to now.
   */
  revocationList(revoked: string[], options: { iat?: number; iss?: string } = {}): Promise<string> {
    const claims = {
      ...(options.iss !== undefined ? { iss: options.iss } : {}),
      iat: options.iat ?? nowSeconds(),
      revoked,
    };
    return signLicense(claims, { privateKey: this.keys.privateKey });
  }

  /**
   * `LicenseModule.forRoot()` trusting this kit's public key and reading the key from an in-memory
   * variable instead of `process.env`, in the requested state.
   */
  async module(options: TestModuleOptions = {}): Promise<DynamicModule> {
    const { state = 'accepted', token, claims, ...moduleOptions } = options;
    const key = token ?? (await this.tokenFor(state, claims));
    const env: EnvironmentReader = {
      get: <T>(name: string) => (name === 'LIBERTY_LICENSE_KEY' && key ? (key as T) : undefined),
    };
    const dynamic = LicenseModule.forRoot({
      audience: 'liberty',
      publicKey: this.keys.publicKey,
      ...moduleOptions,
      licenseKey: '${LIBERTY_LICENSE_KEY}',
    });
    return { ...dynamic, providers: [...(dynamic.providers ?? []), { provide: LICENSE_ENVIRONMENT, useValue: env }] };
  }

  private async tokenFor(state: TestLicenseState, claims?: Record<string, unknown>): Promise<string | undefined> {
    switch (state) {
      case 'not-configured':
        return undefined;
      case 'expired':
        return this.issue({
          claims: { ...claims, iat: nowSeconds() - 2 * DAY, nbf: nowSeconds() - 2 * DAY },
          expiresInSeconds: -DAY,
        });
      case 'rejected':
        // Signed by another key: `signature invalid`.
        return (await LicenseTestKit.create()).issue({ claims });
      default:
        return this.issue({ claims });
    }
  }
}

/**
 * Deep merge for claim sets: `{ features: { connectors: ['sfdc'] } }` changes the connectors and
 * keeps the default apps, user cap and AI entitlements. Arrays replace (a list of granted ids is
 * one value), `undefined` removes the member.
 */
export function mergeClaims(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const key of Object.keys(override)) {
    const value = override[key];
    const current = Object.hasOwn(merged, key) ? merged[key] : undefined;
    if (value === undefined) {
      delete merged[key];
      continue;
    }
    const next = isPlainObject(value) && isPlainObject(current) ? mergeClaims(current, value) : value;
    // defineProperty: a `__proto__` member stays a plain member, never a prototype.
    Object.defineProperty(merged, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
