// Every error class of the library carries a stable `code` (jose and terminus do the same), so a
// caller can branch on it instead of parsing messages; docs/library.md lists each one.
import { readFileSync } from 'node:fs';
import { UsageError } from '../src/cli/args.parser.js';
import { LICENSE_REQUIRED } from '../src/license.constants.js';
import { RedisUnavailableError } from '../src/redis/redis.client.js';
import {
  AiMessageLimitReachedException,
  AiProviderNotLicensedException,
  KeyStoreReadError,
  LicenseActivationError,
  LicenseConfigurationError,
  LicenseRequiredGraphQLError,
  ReadOnlyKeyStoreError,
  SeatLimitReachedException,
  UsageStoreUnavailableException,
} from '../src/index.js';
import { FileReadError } from '../src/verify/index.js';

const rows: [string, string, Error & { code?: string }][] = [
  [
    'LicenseConfigurationError',
    'LICENSE_CONFIGURATION_INVALID',
    new LicenseConfigurationError('License configuration error: x: y'),
  ],
  ['KeyStoreReadError', 'KEY_STORE_UNREADABLE', new KeyStoreReadError('cannot read', 'LIBERTY_LICENSE_KEY_FILE')],
  ['ReadOnlyKeyStoreError', 'KEY_STORE_READ_ONLY', new ReadOnlyKeyStoreError()],
  ['LicenseActivationError', 'LICENSE_REJECTED', new LicenseActivationError('signature invalid')],
  ['FileReadError', 'FILE_UNREADABLE', new FileReadError('/etc/key.pem', 'ENOENT')],
  ['RedisUnavailableError', 'REDIS_UNAVAILABLE', new RedisUnavailableError('not connected')],
  ['UsageError (CLI)', 'CLI_USAGE', new UsageError('missing --key')],
  ['SeatLimitReachedException', 'SEAT_LIMIT_REACHED', new SeatLimitReachedException(5, 5)],
  ['AiProviderNotLicensedException', 'AI_PROVIDER_NOT_LICENSED', new AiProviderNotLicensedException('openai', [])],
  ['AiMessageLimitReachedException', 'AI_MESSAGE_LIMIT_REACHED', new AiMessageLimitReachedException(100, 60)],
  ['UsageStoreUnavailableException', 'USAGE_STORE_UNAVAILABLE', new UsageStoreUnavailableException('timeout')],
];

describe('error codes', () => {
  it.each(rows)('%s carries code %s', (_name, code, error) => {
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
  });

  it('an HTTP exception sends the same code in its body', () => {
    for (const [, code, error] of rows) {
      const response = (error as { getResponse?: () => unknown }).getResponse?.();
      if (response !== undefined) expect(response).toMatchObject({ code });
    }
  });

  it('LicenseRequiredGraphQLError carries its code where GraphQL clients read it: extensions.code', () => {
    const error = new LicenseRequiredGraphQLError({
      statusCode: 403,
      code: LICENSE_REQUIRED,
      feature: 'connector:sap',
      message: 'Locked — requires license connector:sap',
      licenseStatus: 'not-configured',
      reason: null,
    });
    expect(error.extensions.code).toBe('LICENSE_REQUIRED');
  });

  it('codes are unique, upper snake case, and each is documented in docs/library.md', () => {
    const codes = rows.map(([, code]) => code);
    expect(new Set(codes).size).toBe(codes.length);
    const docs = readFileSync(new URL('../../../docs/library.md', import.meta.url), 'utf8');
    for (const code of [...codes, LICENSE_REQUIRED]) {
      expect(code).toMatch(/^[A-Z][A-Z_]+$/);
      expect(docs).toContain(`\`${code}\``);
    }
  });
});
