import { jest } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { LicenseModule } from '../license.module.js';
import { resolveLicenseOptions } from './license-options.resolver.js';
import { parseKeyReference } from './key-reference.util.js';
import { LicenseConfigurationError } from './license-configuration.error.js';
import { generateLicenseKeyPair, signLicense } from '../testing/license.signer.js';

// RSA key generation and child processes are slow on a loaded 2-core CI machine; never a speed check.
jest.setTimeout(30_000);

describe('parseKeyReference', () => {
  it.each([
    ['${LIBERTY_LICENSE_KEY}', 'LIBERTY_LICENSE_KEY'],
    ['${_X}', '_X'],
    ['${lower_case_1}', 'lower_case_1'],
  ])('%s → %s', (reference, name) => {
    expect(parseKeyReference(reference)).toBe(name);
  });

  it.each([
    'LIBERTY_LICENSE_KEY',
    '$LIBERTY_LICENSE_KEY',
    '${LIBERTY_LICENSE_KEY',
    '{LIBERTY_LICENSE_KEY}',
    '${1ST}',
    '${A-B}',
    '${A} ',
    ' ${A}',
    '${}',
    '',
    '${A}${B}',
  ])('%j is not a ${NAME} reference', (reference) => {
    expect(() => parseKeyReference(reference)).toThrow(LicenseConfigurationError);
    expect(() => parseKeyReference(reference)).toThrow(
      'License configuration error: licenseKey: must reference an environment variable as ${NAME}, e.g. "${LIBERTY_LICENSE_KEY}".',
    );
  });

  it('a JWT pasted as licenseKey is refused with why, and the error does not repeat it', async () => {
    const { privateKey } = await generateLicenseKeyPair(2048);
    const jwt = await signLicense({ exp: 2_000_000_000, customer: 'Acme' }, { privateKey });
    for (const pasted of [jwt, ` ${jwt}\n`, 'eyJhbGciOiJSUzI1NiJ9']) {
      let error: unknown;
      try {
        parseKeyReference(pasted);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(LicenseConfigurationError);
      const message = (error as Error).message;
      expect(message).toMatch(/looks like a license key \(JWT\)/);
      expect(message).toMatch(/must not be stored in configuration/);
      expect(message).toMatch(/\$\{LIBERTY_LICENSE_KEY\}/);
      for (const segment of jwt.split('.')) expect(message).not.toContain(segment);
    }
  });
});

describe('resolveLicenseOptions', () => {
  it('applies every default', () => {
    expect(resolveLicenseOptions({ audience: 'liberty' })).toEqual({
      audience: 'liberty',
      licenseKey: '${LIBERTY_LICENSE_KEY}',
      enforcement: 'restricted',
      clockToleranceSeconds: 60,
      expiryWarningDays: [30, 7],
      keyFilePollIntervalMs: 2000,
      graceDays: 0,
    });
  });

  it('normalises: issuer to a list, warning days sorted high to low without duplicates, empty path dropped', () => {
    const resolved = resolveLicenseOptions({
      audience: 'liberty',
      issuer: 'nomana-it',
      expiryWarningDays: [7, 30, 7, 1],
      publicKeyPath: '',
      publicKey: { a: 'pem' },
    });
    expect(resolved.issuer).toEqual(['nomana-it']);
    expect(resolved.expiryWarningDays).toEqual([30, 7, 1]);
    expect(resolved).not.toHaveProperty('publicKeyPath');
    expect(resolved.publicKey).toEqual({ a: 'pem' });
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('keeps the boundaries: tolerance 0 and 300, a warning 3650 days out, polling off', () => {
    expect(resolveLicenseOptions({ audience: 'a', clockToleranceSeconds: 0 }).clockToleranceSeconds).toBe(0);
    expect(resolveLicenseOptions({ audience: 'a', clockToleranceSeconds: 300 }).clockToleranceSeconds).toBe(300);
    expect(resolveLicenseOptions({ audience: 'a', expiryWarningDays: [3650] }).expiryWarningDays).toEqual([3650]);
    expect(resolveLicenseOptions({ audience: 'a', keyFilePollIntervalMs: 0 }).keyFilePollIntervalMs).toBe(0);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'neither audience nor issuer',
      { audience: undefined },
      'audience / issuer: set at least one: audience (the aud claim, e.g. "liberty") or issuer',
    ],
    [
      'empty audience',
      { audience: '' },
      'audience: must be a non-empty string (the aud claim your keys are issued for)',
    ],
    [
      'audience a list',
      { audience: ['liberty'] },
      'audience: must be a non-empty string (the aud claim your keys are issued for)',
    ],
    ['keyStore without read()', { keyStore: { write: () => undefined } }, 'keyStore: must be a LicenseKeyStore'],
    ['keyStore a string', { keyStore: '/var/lib/license.jwt' }, 'keyStore: must be a LicenseKeyStore'],
    ['enforcement unknown', { enforcement: 'strict' }, 'enforcement: must be "restricted" or "soft"'],
    ['tolerance negative', { clockToleranceSeconds: -1 }, 'clockToleranceSeconds: must be an integer from 0 to 300'],
    [
      'tolerance over 5 minutes',
      { clockToleranceSeconds: 301 },
      'clockToleranceSeconds: must be an integer from 0 to 300',
    ],
    ['tolerance a fraction', { clockToleranceSeconds: 1.5 }, 'clockToleranceSeconds: must be an integer from 0 to 300'],
    ['tolerance a string', { clockToleranceSeconds: '60' }, 'clockToleranceSeconds: must be an integer from 0 to 300'],
    ['warning day 0', { expiryWarningDays: [30, 0] }, 'expiryWarningDays: must be a list of whole days from 1 to 3650'],
    [
      'warning days not a list',
      { expiryWarningDays: 30 },
      'expiryWarningDays: must be a list of whole days from 1 to 3650',
    ],
    [
      'warning day too far',
      { expiryWarningDays: [3651] },
      'expiryWarningDays: must be a list of whole days from 1 to 3650',
    ],
    ['poll interval negative', { keyFilePollIntervalMs: -1 }, 'keyFilePollIntervalMs: must be a whole number of ms'],
    ['issuer empty list', { issuer: [] }, 'issuer: must be a non-empty string or list of strings'],
    ['issuer empty string', { issuer: '' }, 'issuer: must be a non-empty string or list of strings'],
    ['issuer with a number', { issuer: ['a', 1] }, 'issuer: must be a non-empty string or list of strings'],
    [
      'licenseKey a bare name',
      { licenseKey: 'LIBERTY_LICENSE_KEY' },
      'licenseKey: must reference an environment variable',
    ],
  ])('%s → LicenseConfigurationError', (_name, options, message) => {
    const resolve = () => resolveLicenseOptions({ audience: 'liberty', ...options });
    expect(resolve).toThrow(LicenseConfigurationError);
    expect(resolve).toThrow(`License configuration error: ${message}`);
  });

  it('issuer alone is enough (ai.doo keys carry no aud); audience is then not checked', () => {
    const resolved = resolveLicenseOptions({ issuer: 'aidoo.biz' });
    expect(resolved.issuer).toEqual(['aidoo.biz']);
    expect(resolved).not.toHaveProperty('audience');
    expect(resolveLicenseOptions({ audience: 'liberty', issuer: ['nomana-it'] })).toMatchObject({
      audience: 'liberty',
      issuer: ['nomana-it'],
    });
  });

  it('a missing options object is a configuration error, not a TypeError', () => {
    expect(() => resolveLicenseOptions(undefined as never)).toThrow(LicenseConfigurationError);
  });
});

describe('LicenseModule.forRoot with bad options', () => {
  it('fails to start with the configuration error, naming the option', async () => {
    const compile = Test.createTestingModule({
      imports: [LicenseModule.forRoot({ audience: 'liberty', licenseKey: 'LIBERTY_LICENSE_KEY' })],
    }).compile();
    await expect(compile).rejects.toThrow(LicenseConfigurationError);
    await expect(
      Test.createTestingModule({
        imports: [LicenseModule.forRoot({ audience: 'liberty', enforcement: 'x' as never })],
      }).compile(),
    ).rejects.toThrow('License configuration error: enforcement: must be "restricted" or "soft"');
  });
});

describe('resolveLicenseOptions with a hub', () => {
  // ai.doo: "PIKA and VERA query this endpoint on startup and cache the result for 1 hour". The
  // hub source asks again exactly refreshSeconds later (hub-license.source.spec.ts, on a fake clock).
  it('caches the answer for one hour by default (refreshSeconds 3600)', () => {
    expect(resolveLicenseOptions({ hub: { url: 'http://127.0.0.1:1/api/license/status' } }).hub).toMatchObject({
      refreshSeconds: 3600,
    });
  });
});
