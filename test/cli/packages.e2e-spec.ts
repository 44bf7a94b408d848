import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LicenseTestKit } from '@liberty/license/testing';
import { runCli, TIMEOUT } from './support/cli-harness.js';

describe('packages', () => {
  // Two packages (DESIGN 6): the customer's @liberty/license runs verify and inspect; the vendor's
  // @liberty/license-cli adds keygen, issue and revoke. Installed side by side (as in this
  // repository), `liberty-license` offers all five; the packed-package test checks the customer's
  // package alone. @liberty/license/verify verifies keys without loading NestJS at all.
  const run = promisify(execFile);
  const VENDOR_BIN = fileURLToPath(new URL('../../libs/license-cli/bin/liberty-license-vendor.js', import.meta.url));
  const VERIFY_ENTRY = new URL('../../libs/license/dist/verify/index.js', import.meta.url).href;

  it(
    "liberty-license-vendor offers every command, the customer's and the vendor's, and names its package",
    async () => {
      const help = await run(process.execPath, [VENDOR_BIN, '--help'], { timeout: TIMEOUT });
      for (const command of ['verify', 'inspect', 'keygen', 'issue', 'revoke'])
        expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\s`, 'm'));
      expect((await run(process.execPath, [VENDOR_BIN, '--version'], { timeout: TIMEOUT })).stdout).toMatch(
        /^liberty-license \d+\.\d+\.\d+ \(@liberty\/license-cli\)$/m,
      );
    },
    TIMEOUT,
  );

  it(
    'liberty-license delegates keygen, issue and revoke to @liberty/license-cli when it is installed beside it',
    async () => {
      const result = await runCli(['--help']);
      expect(result.code).toBe(0);
      for (const command of ['keygen', 'issue', 'revoke'])
        expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\s`, 'm'));
      expect(result.stdout).not.toContain('not installed here');
    },
    TIMEOUT,
  );

  it(
    '@liberty/license/verify verifies a key without loading NestJS, rxjs or reflect-metadata',
    async () => {
      const kit = await LicenseTestKit.create();
      const token = await kit.issue({ claims: { customer: 'Acme Corp' } });
      // A resolve hook that fails the import of anything Nest-related: the entry must never ask for one.
      const hook = `data:text/javascript,${encodeURIComponent(
        'export async function resolve(s, c, next) { if (/^(@nestjs\\/|rxjs|reflect-metadata)/.test(s)) throw new Error("loaded " + s); return next(s, c); }',
      )}`;
      const script = `
    import { register } from 'node:module';
    register(${JSON.stringify(hook)});
    const { verifyLicenseToken, loadPublicKeys } = await import(${JSON.stringify(VERIFY_ENTRY)});
    const loaded = await loadPublicKeys({ publicKey: process.env.PEM });
    const result = await verifyLicenseToken(process.env.TOKEN, { keys: loaded.keys, audience: 'liberty' });
    console.log(JSON.stringify({ status: result.status, customer: result.claims?.customer }));
  `;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        timeout: TIMEOUT,
        env: { PATH: process.env.PATH ?? '', PEM: kit.publicKey, TOKEN: token },
      });
      expect(JSON.parse(stdout.trim())).toEqual({ status: 'accepted', customer: 'Acme Corp' });
    },
    TIMEOUT,
  );
});
