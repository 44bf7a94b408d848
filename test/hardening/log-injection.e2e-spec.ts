// Finding 7 of the security review (issue 13): a value interpolated into a log line must not be
// able to close its quotes, add `key="value"` fields or start a new line. An unverified `alg`,
// a vendor-signed `customer` / `edition` and an operator's public key path are each crafted to
// forge fields; every log line keeps exactly the fields of DESIGN.md section 4.
import { Test, type TestingModule } from '@nestjs/testing';
import { LICENSE_LOGGER_CONTEXT } from '../../libs/license/src/license.constants.js';
import { LicenseTestKit } from '@liberty/license/testing';
import { CapturingLogger } from '../library/support/capturing-logger.js';
import { craftJws } from '../library/support/tokens.js';
import { specTimeout } from '../support/suite.js';

specTimeout(30_000);

describe('log-injection', () => {
  let kit: LicenseTestKit;
  const open: TestingModule[] = [];

  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });

  afterEach(async () => {
    for (const moduleRef of open.splice(0)) await moduleRef.close();
  });

  async function logLinesFor(options: Parameters<LicenseTestKit['module']>[0]): Promise<string[]> {
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({ imports: [await kit.module(options)] })
      .setLogger(logger)
      .compile();
    open.push(moduleRef);
    await moduleRef.init();
    return logger.linesOf(LICENSE_LOGGER_CONTEXT).map(([, message]) => message);
  }

  /**
   * The `key="value"` fields of a line, read the way a log parser would: a value ends at the first
   * `"` not preceded by a backslash escape. Throws when a quote is left over (a broken field).
   */
  function fieldsOf(line: string): Record<string, string> {
    const fields: Record<string, string> = {};
    const rest = line.replace(/([A-Za-z_]+)="((?:[^"\\]|\\.)*)"/g, (_all, key: string, value: string) => {
      if (key in fields) throw new Error(`field ${key} twice in: ${line}`);
      fields[key] = value;
      return '';
    });
    if (rest.includes('"')) throw new Error(`an unbalanced quote in: ${line}`);
    return fields;
  }

  /** Every line is one line, with exactly the given fields. */
  function expectOnlyFields(lines: string[], prefix: string, keys: string[]): Record<string, string> {
    for (const line of lines) expect(line).not.toMatch(/[\r\n\u2028\u2029]/);
    const matching = lines.filter((line) => line.startsWith(prefix));
    expect(matching).toHaveLength(1);
    const fields = fieldsOf(matching[0]);
    expect(Object.keys(fields).sort()).toEqual([...keys].sort());
    return fields;
  }

  describe('log lines cannot be forged (finding 7)', () => {
    it('an unverified alg that closes its quote and adds a field: one reason field, escaped', async () => {
      const token = craftJws({ alg: '") forged="yes' }, { customer: 'x' }, 'RS256', kit.privateKey);
      const lines = await logLinesFor({ token });
      const fields = expectOnlyFields(lines, 'license rejected — ', ['reason']);
      expect(fields.reason).toBe('unsupported algorithm (\\") forged=\\"yes)');
      expect(lines).toContain('license rejected — reason="unsupported algorithm (\\") forged=\\"yes)"');
    });

    it('an alg with a backslash cannot un-escape the closing quote', async () => {
      const token = craftJws({ alg: 'x\\' }, { customer: 'x' }, 'RS256', kit.privateKey);
      const lines = await logLinesFor({ token });
      expect(expectOnlyFields(lines, 'license rejected — ', ['reason']).reason).toBe('unsupported algorithm (x\\\\)');
    });

    it('an alg with a new line and a fake "license accepted" line stays on one line', async () => {
      const token = craftJws(
        { alg: 'x"\nlicense accepted — customer="Evil' },
        { customer: 'x' },
        'RS256',
        kit.privateKey,
      );
      const lines = await logLinesFor({ token });
      expect(lines.filter((line) => line.startsWith('license accepted'))).toEqual([]);
      expectOnlyFields(lines, 'license rejected — ', ['reason']);
    });

    it('a vendor-signed customer and edition that try to add fields: exactly customer and edition', async () => {
      const lines = await logLinesFor({
        claims: { customer: 'Acme" forged="yes', edition: 'gold\\" x="1\u202e\u0007', tier: undefined },
      });
      const fields = expectOnlyFields(lines, 'license accepted — ', ['customer', 'edition']);
      expect(fields).toEqual({ customer: 'Acme\\" forged=\\"yes', edition: 'gold\\\\\\" x=\\"1\\u202e\\u0007' });
      expect(lines.find((line) => line.startsWith('license accepted — '))).toMatch(
        / expires=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
    });

    it('a public key path with quotes and a new line: one reason field', async () => {
      const lines = await logLinesFor({ publicKey: undefined, publicKeyPath: '/tmp/no"where\nforged="yes.pem' });
      const fields = expectOnlyFields(lines, 'license rejected — ', ['reason']);
      expect(fields.reason).toBe(
        'public key unavailable (cannot read /tmp/no\\"where\\u000aforged=\\"yes.pem: ENOENT)',
      );
    });

    it('customer names in other scripts are escaped, not lost (JSON \\u escapes; look-alikes stay visible)', async () => {
      const lines = await logLinesFor({ claims: { customer: 'Müller 株式会社', edition: 'pro' } });
      const { customer } = expectOnlyFields(lines, 'license accepted — ', ['customer', 'edition']);
      expect(customer).toBe('M\\u00fcller \\u682a\\u5f0f\\u4f1a\\u793e');
      expect(JSON.parse(`"${customer}"`)).toBe('Müller 株式会社');
    });
  });
});
