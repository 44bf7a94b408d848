// `liberty-license revoke` writes the vendor's signed revocation list; `verify --revocation-list`
// rejects a listed key "revoked". A round trip through the built bin (child processes), checked
// against the library's own list verifier.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publicKeySet, verifyRevocationList, type PublicKeySet } from '@liberty/license/verify';
import { b64url, createVendor, lines, runCli, TIMEOUT, type Vendor } from './support/cli-harness.js';

describe('revoke', () => {
  let vendor: Vendor;
  let other: Vendor;
  let keys: PublicKeySet;

  beforeAll(async () => {
    [vendor, other] = await Promise.all([createVendor(), createVendor()]);
    const set = publicKeySet([[undefined, vendor.keys.publicKey]]);
    if (!set.ok) throw new Error(set.why);
    keys = set.keys;
  }, TIMEOUT);
  afterAll(() => Promise.all([vendor.cleanup(), other.cleanup()]));

  async function issue(customer: string): Promise<{ token: string; jti: string }> {
    const result = await runCli([
      'issue',
      '--private-key',
      vendor.privatePath,
      '--customer',
      customer,
      '--audience',
      'liberty',
      '--expires',
      '30d',
    ]);
    expect(result.code).toBe(0);
    const jti = /, jti=(\S+)\n$/.exec(result.stderr)?.[1];
    if (!jti) throw new Error(`no jti in: ${result.stderr}`);
    return { token: result.stdout.trim(), jti };
  }

  const verify = (token: string, list: string, ...extra: string[]) =>
    runCli([
      'verify',
      token,
      '--public-key',
      vendor.publicPath,
      '--audience',
      'liberty',
      '--revocation-list',
      list,
      ...extra,
    ]);

  describe('revoke and verify --revocation-list', () => {
    it(
      'round trip: issue two keys, revoke one, then the other with --list; each jti is unique',
      async () => {
        const [acme, globex] = await Promise.all([issue('Acme Corp'), issue('Globex')]);
        expect(acme.jti).not.toBe(globex.jti);
        const list1 = join(vendor.dir, 'revoked-1.jwt');
        const first = await runCli(['revoke', '--private-key', vendor.privatePath, '--jti', acme.jti, '--out', list1]);
        expect(first.code).toBe(0);
        expect(first.stdout).toBe('');
        expect(first.stderr).toMatch(
          new RegExp(
            `^revocation list: 1 revoked jti \\(1 new\\), iat=\\S+Z, written to ${list1.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`,
          ),
        );
        expect((await stat(list1)).mode & 0o777).toBe(0o644);

        const revoked = await verify(acme.token, list1);
        expect(revoked.code).toBe(1);
        expect(lines(revoked.stdout)[0]).toBe('license rejected — reason="revoked"');
        expect(lines(revoked.stdout)[1]).toBe('customer="Acme Corp"');
        expect((await verify(globex.token, list1)).code).toBe(0);

        // The next list carries the previous entries and is newer (iat later than the old one's).
        const second = await runCli([
          'revoke',
          '--private-key',
          vendor.privatePath,
          '--jti',
          globex.jti,
          '--list',
          list1,
        ]);
        expect(second.code).toBe(0);
        expect(second.stderr).toMatch(/^revocation list: 2 revoked jti \(1 new\), iat=/);
        const list2 = join(vendor.dir, 'revoked-2.jwt');
        await writeFile(list2, second.stdout);
        const [old, next] = await Promise.all([
          verifyRevocationList((await readFile(list1, 'utf8')).trim(), { keys }),
          verifyRevocationList(second.stdout.trim(), { keys, now: new Date(Date.now() + 5000) }),
        ]);
        if (!old.ok || !next.ok) throw new Error('lists do not verify');
        expect([...next.list.revoked].sort()).toEqual([acme.jti, globex.jti].sort());
        expect(next.list.iat).toBeGreaterThan(old.list.iat);
        expect((await verify(globex.token, list2, '--json')).stdout).toContain('"reason": "revoked"');
      },
      TIMEOUT * 2,
    );

    it(
      '--issuer is written, carried over by --list, and checked by verify --issuer',
      async () => {
        const list = join(vendor.dir, 'issuer.jwt');
        expect(
          (
            await runCli([
              'revoke',
              '--private-key',
              vendor.privatePath,
              '--jti',
              'x-1',
              '--issuer',
              'nomana-it',
              '--out',
              list,
            ])
          ).code,
        ).toBe(0);
        const carried = await runCli([
          'revoke',
          '--private-key',
          vendor.privatePath,
          '--jti',
          'x-2,x-3',
          '--list',
          list,
        ]);
        const outcome = await verifyRevocationList(carried.stdout.trim(), {
          keys,
          issuer: ['nomana-it'],
          now: new Date(Date.now() + 5000),
        });
        expect(outcome).toMatchObject({ ok: true, list: { iss: 'nomana-it' } });
        const { token } = await issue('Initech');
        const wrongIssuer = await verify(token, list, '--issuer', 'aidoo.biz');
        expect(wrongIssuer.code).toBe(2);
        expect(wrongIssuer.stderr).toContain(`--revocation-list ${list} rejected (issuer mismatch)`);
      },
      TIMEOUT,
    );

    it(
      'a tampered or foreign --list is refused and nothing is written',
      async () => {
        const list = join(vendor.dir, 'tampered.jwt');
        const out = join(vendor.dir, 'never.jwt');
        const good = await runCli(['revoke', '--private-key', vendor.privatePath, '--jti', 'a']);
        const [h, , s] = good.stdout.trim().split('.');
        await writeFile(list, `${h}.${b64url({ iat: 1, revoked: [] })}.${s}\n`);
        const tampered = await runCli([
          'revoke',
          '--private-key',
          vendor.privatePath,
          '--jti',
          'b',
          '--list',
          list,
          '--out',
          out,
        ]);
        expect(tampered.code).toBe(1);
        expect(tampered.stderr).toBe(
          `liberty-license revoke: --list ${list} rejected (signature invalid); nothing written\n`,
        );
        await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });

        const foreign = join(vendor.dir, 'foreign.jwt');
        await writeFile(foreign, (await runCli(['revoke', '--private-key', other.privatePath, '--jti', 'a'])).stdout);
        const { token } = await issue('Umbrella');
        const refused = await verify(token, foreign);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain(`--revocation-list ${foreign} rejected (signature invalid)`);
      },
      TIMEOUT,
    );

    it(
      'usage errors: no --jti, a blank or spaced jti, an unreadable list, /dev/zero',
      async () => {
        const cases: Array<[string[], RegExp]> = [
          [['revoke', '--private-key', vendor.privatePath], /option --jti ID is required/],
          [['revoke', '--private-key', vendor.privatePath, '--jti', 'a b'], /ids of 1-200 printable characters/],
          [['revoke', '--jti', 'a'], /option --private-key PATH is required/],
          [
            ['revoke', '--private-key', vendor.privatePath, '--jti', 'a', '--list', join(vendor.dir, 'missing.jwt')],
            /cannot read --list .*missing\.jwt: ENOENT/,
          ],
          [
            ['revoke', '--private-key', vendor.privatePath, '--jti', 'a', '--list', '/dev/zero'],
            /cannot read --list \/dev\/zero: not a regular file \(character device\)/,
          ],
          [['revoke', '--private-key', vendor.privatePath, '--jti', 'a', 'extra'], /revoke takes no arguments/],
        ];
        for (const [args, message] of cases) {
          const result = await runCli(args);
          expect({ args, code: result.code }).toEqual({ args, code: 2 });
          expect(result.stderr).toMatch(message);
          expect(result.stdout).toBe('');
        }
        const help = await runCli(['revoke', '--help']);
        expect(help.code).toBe(0);
        expect(help.stdout).toContain('Usage: liberty-license revoke --private-key PATH --jti ID');
      },
      TIMEOUT * 2,
    );
  });
});
