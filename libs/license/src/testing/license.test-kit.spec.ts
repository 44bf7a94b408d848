import { Test } from '@nestjs/testing';
import { decodeJwt } from 'jose';
import { LicenseService } from '../license.service.js';
import { LicenseTestKit, mergeClaims } from './license.test-kit.js';

describe('LicenseTestKit claims merge', () => {
  let kit: LicenseTestKit;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });

  it('deep-merges features: overriding connectors keeps the default AI providers and user cap', async () => {
    const claims = decodeJwt<any>(await kit.issue({ claims: { features: { connectors: ['snowflake'] } } }));
    expect(claims.features).toEqual({
      connectors: ['snowflake'],
      apps: [],
      users: { max: 10 },
      ai: { providers: ['anthropic'], messagesPerDay: 100 },
    });
    expect(claims.customer).toBe('Test Customer');
  });

  it('merges nested objects member by member, replaces arrays and drops undefined', async () => {
    const claims = decodeJwt<any>(
      await kit.issue({
        claims: { features: { ai: { messagesPerDay: 5 }, apps: ['nomajde'], users: undefined }, sub: undefined },
      }),
    );
    expect(claims.features.ai).toEqual({ providers: ['anthropic'], messagesPerDay: 5 });
    expect(claims.features.apps).toEqual(['nomajde']);
    expect(claims.features).not.toHaveProperty('users');
    expect(claims).not.toHaveProperty('sub');
  });

  it('never turns a __proto__ member into a prototype', () => {
    const merged = mergeClaims({ a: 1 }, JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as any).polluted).toBeUndefined();
    expect(Object.keys(merged)).toEqual(['a', '__proto__']);
  });

  it('kit.module({ claims }) grants the merged features', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [await kit.module({ claims: { features: { connectors: ['snowflake'] } } })],
    }).compile();
    const license = moduleRef.get(LicenseService);
    expect(license.isLicensed('connector:snowflake')).toBe(true);
    expect(license.isLicensed('connector:sap')).toBe(false);
    expect(license.isLicensed('ai:anthropic')).toBe(true);
    expect(license.state.entitlements.maxUsers).toBe(10);
    await moduleRef.close();
  });
});

describe('LicenseState serialisation', () => {
  it('JSON.stringify(state) lists the granted features as a sorted array, not {}', async () => {
    const kit = await LicenseTestKit.create();
    const moduleRef = await Test.createTestingModule({
      imports: [await kit.module({ claims: { features: { connectors: ['sap', 'jdedwards'] } } })],
    }).compile();
    const state = moduleRef.get(LicenseService).state;
    const json = JSON.parse(JSON.stringify(state));
    expect(json.entitlements.features).toEqual(['ai:anthropic', 'connector:jdedwards', 'connector:sap']);
    expect(json.entitlements).toMatchObject({ maxUsers: 10, aiProviders: ['anthropic'], aiMessagesPerDay: 100 });
    expect(json.status).toBe('accepted');
    // toJSON is not enumerable: spreads and equality checks see the data only.
    expect(Object.keys(state.entitlements)).not.toContain('toJSON');
    expect(state.entitlements.features).toBeInstanceOf(Set);
    await moduleRef.close();
  });

  it('an unlicensed state serialises with an empty features array', async () => {
    const kit = await LicenseTestKit.create();
    const moduleRef = await Test.createTestingModule({
      imports: [await kit.module({ state: 'not-configured' })],
    }).compile();
    const json = JSON.parse(JSON.stringify(moduleRef.get(LicenseService).state));
    expect(json.entitlements).toEqual({ features: [], aiProviders: [] });
    expect(json.status).toBe('not-configured');
    await moduleRef.close();
  });
});
