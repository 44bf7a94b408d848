// Help, version and usage errors of `liberty-license` (exit 2, exactly one line on stderr,
// nothing on stdout, the key never echoed), run through the built bin.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createVendor,
  expectTokenNotEchoed,
  lines,
  runCli,
  seedClaims,
  type CliResult,
  type Vendor,
  TIMEOUT,
} from './support/cli-harness.js';

describe('usage', () => {
  let vendor: Vendor;
  let token: string;

  beforeAll(async () => {
    vendor = await createVendor();
    token = await vendor.sign(seedClaims());
  }, TIMEOUT);
  afterAll(() => vendor.cleanup());

  function expectUsageError(result: CliResult, message: RegExp): void {
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expectTokenNotEchoed(result, token);
  }

  describe('liberty-license — help and version', () => {
    it.concurrent.each([
      [['--help'], /^Usage: liberty-license <command>/],
      [['-h'], /^Usage: liberty-license <command>/],
      [['help'], /^Usage: liberty-license <command>/],
      [['verify', '--help'], /^Usage: liberty-license verify \[TOKEN\|-\]/],
      [['verify', '-h', '--public-key'], /^Usage: liberty-license verify /],
      [['inspect', '--help'], /^Usage: liberty-license inspect /],
      [['keygen', '-h'], /^Usage: liberty-license keygen --out DIR/],
      [['issue', '--help'], /^Usage: liberty-license issue --private-key PATH/],
      [['help', 'issue'], /^Usage: liberty-license issue /],
    ])(
      '%j prints help on stdout and exits 0',
      async (args, usage) => {
        const result = await runCli(args);
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(usage);
        expect(result.stderr).toBe('');
      },
      TIMEOUT,
    );

    it(
      'the tool help lists every command',
      async () => {
        const { stdout } = await runCli(['--help']);
        for (const command of ['verify', 'inspect', 'keygen', 'issue'])
          expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
      },
      TIMEOUT,
    );

    it(
      'the issue help lists every flag of DESIGN.md section 6',
      async () => {
        const { stdout } = await runCli(['issue', '--help']);
        const flags = [
          'private-key',
          'customer',
          'audience',
          'expires',
          'issuer',
          'sub',
          'edition',
          'instance',
          'connectors',
          'apps',
          'users-max',
          'products',
          'seats',
          'ai-providers',
          'ai-messages-per-day',
        ];
        for (const flag of flags) expect(stdout).toContain(`--${flag} `);
      },
      TIMEOUT,
    );

    it(
      '--version prints the package version',
      async () => {
        const manifest = JSON.parse(
          await readFile(new URL('../../libs/license/package.json', import.meta.url), 'utf8'),
        );
        const result = await runCli(['--version']);
        expect(result).toEqual({ code: 0, stdout: `liberty-license ${manifest.version}\n`, stderr: '' });
      },
      TIMEOUT,
    );
  });

  describe('liberty-license — usage errors exit 2 with one line', () => {
    const key = () => ['--public-key', vendor.publicPath];

    it.concurrent.each<[string, () => string[], RegExp, Record<string, string>?]>([
      ['no command', () => [], /missing command/],
      ['an unknown command', () => ['verfy'], /unknown command "verfy"/],
      ['the key given where the command goes', () => [token], /unknown command; expected verify/],
      ['an unknown option', () => ['verify', token, ...key(), '--audiense', 'liberty'], /unknown option --audiense/],
      ['an unknown option carrying the key', () => ['verify', `--token=${token}`, ...key()], /unknown option --token/],
      ['an unknown short option', () => ['verify', token, ...key(), '-x'], /unknown option -x/],
      ['a missing value at the end', () => ['verify', token, '--public-key'], /option --public-key needs a value/],
      [
        'an option where a value goes',
        () => ['verify', token, '--audience', '--json', ...key()],
        /option --audience needs a value/,
      ],
      ['an empty value', () => ['verify', token, '--audience=', ...key()], /option --audience needs a value/],
      ['a value given to a switch', () => ['verify', token, ...key(), '--json=yes'], /option --json takes no value/],
      [
        'an option given twice',
        () => ['verify', token, ...key(), '--audience', 'a', '--audience', 'b'],
        /--audience is given more than once/,
      ],
      ['two tokens', () => ['verify', token, token, ...key()], /expected one TOKEN/],
      ['a token and --env', () => ['verify', token, '--env', 'X', ...key()], /not both/],
      ['an empty TOKEN argument', () => ['verify', '', ...key()], /TOKEN argument is empty/],
      [
        'no public key at all',
        () => ['verify', token],
        /no public key: pass --public-key PATH or set LIBERTY_PUBLIC_KEY_PATH/,
      ],
      [
        'a --public-key file that does not exist',
        () => ['verify', token, '--public-key', join(vendor.dir, 'missing.pem')],
        /cannot read --public-key .*missing\.pem: ENOENT/,
      ],
      [
        'a --public-key that is a directory',
        () => ['verify', token, '--public-key', vendor.dir],
        /cannot read --public-key .*: EISDIR/,
      ],
      [
        'a LIBERTY_PUBLIC_KEY_PATH that does not exist',
        () => ['verify', token],
        /cannot read \$LIBERTY_PUBLIC_KEY_PATH .*: ENOENT/,
        { LIBERTY_PUBLIC_KEY_PATH: '/nonexistent/public.pem' },
      ],
      [
        '--env naming an unset variable',
        () => ['verify', '--env', 'ACME_KEY', ...key()],
        /no token: ACME_KEY \(or ACME_KEY_FILE\) is not set/,
      ],
      ['no token anywhere', () => ['verify', ...key()], /no token: LIBERTY_LICENSE_KEY .*is not set/],
      [
        'an empty LIBERTY_LICENSE_KEY',
        () => ['verify', ...key()],
        /no token: LIBERTY_LICENSE_KEY/,
        { LIBERTY_LICENSE_KEY: '  ' },
      ],
      [
        'an unreadable NAME_FILE',
        () => ['verify', ...key()],
        /cannot read LIBERTY_LICENSE_KEY_FILE \(ENOENT\)/,
        { LIBERTY_LICENSE_KEY_FILE: '/nonexistent/jwt' },
      ],
      ['--env with a bad name', () => ['verify', '--env', 'NOT-A-NAME', ...key()], /--env must be a variable name/],
      ['an empty --issuer entry', () => ['verify', token, ...key(), '--issuer', 'a,,b'], /--issuer has an empty value/],
      ['inspect with two tokens', () => ['inspect', token, token], /expected one TOKEN/],
      ['inspect with an unknown option', () => ['inspect', token, '--verify'], /unknown option --verify/],
    ])(
      '%s',
      async (_name, args, message, env = {}) => {
        expectUsageError(await runCli(args(), { env }), message);
      },
      TIMEOUT,
    );

    it(
      'verify with empty standard input',
      async () => {
        expectUsageError(await runCli(['verify', '-', ...key()], { stdin: '\n' }), /no token on standard input/);
      },
      TIMEOUT,
    );

    it.concurrent.each([
      'tomorrow',
      '2026-13-01',
      '2026-02-30',
      '2026-05-19T12:00:00',
      '2026-05-19T25:00Z',
      '1779148800',
      '2026-5-19',
    ])(
      '--at %s is not an ISO-8601 instant with a zone',
      async (at) => {
        expectUsageError(
          await runCli(['verify', token, ...key(), '--at', at]),
          /option --at must be an ISO-8601 date or date-time with a zone/,
        );
      },
      TIMEOUT,
    );

    it(
      'usage errors name the command and point to its help',
      async () => {
        const result = await runCli(['keygen', '--bogus']);
        expect(result.stderr).toBe(
          'liberty-license keygen: unknown option --bogus (see liberty-license keygen --help)\n',
        );
      },
      TIMEOUT,
    );
  });
});
