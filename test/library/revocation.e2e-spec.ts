// Offline revocation (issue 14): the vendor's signed list { iss, iat, revoked: [jti…] } read from
// `revocationListPath`. A listed key is rejected `revoked`; the list is verified as strictly as a
// key; a bad, unreadable or older list is a warning and the last good list stays in force.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { LicenseConfigurationError, LicenseModule, LicenseService, type LicenseModuleOptions } from '@liberty/license';
import {
  MAX_REVOCATION_LIST_BYTES,
  publicKeySet,
  verifyLicenseToken,
  verifyRevocationList,
  type PublicKeySet,
} from '@liberty/license/verify';
import { LicenseTestKit } from '@liberty/license/testing';
import { LICENSE_ENVIRONMENT } from '../../libs/license/src/license.internal-constants.js';
import { CapturingLogger } from './support/capturing-logger.js';
import { MutableEnvironment } from './support/mutable-environment.js';
import { b64url, craftJws } from './support/tokens.js';
import { until } from '../support/poll.js';
import { specTimeout } from '../support/suite.js';

specTimeout(30_000);

describe('revocation', () => {
  let kit: LicenseTestKit;
  let other: LicenseTestKit;
  let keys: PublicKeySet;
  let dir: string;
  const open: TestingModule[] = [];
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    [kit, other] = await Promise.all([LicenseTestKit.create(), LicenseTestKit.create()]);
    const set = publicKeySet([[undefined, kit.publicKey]]);
    if (!set.ok) throw new Error(set.why);
    keys = set.keys;
    dir = await mkdtemp(join(tmpdir(), 'liberty-revocation-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(async () => {
    for (const moduleRef of open.splice(0)) await moduleRef.close();
  });

  const keyWithJti = (jti: string | undefined) => kit.issue({ claims: { jti } });

  describe('verifyRevocationList: as strict as a key', () => {
    it('a good list: iss, iat and the set of revoked jti', async () => {
      const iat = now() - 10;
      const outcome = await verifyRevocationList(await kit.revocationList(['a', 'b', 'a'], { iat, iss: 'vendor' }), {
        keys,
      });
      expect(outcome).toEqual({ ok: true, list: { iss: 'vendor', iat, revoked: new Set(['a', 'b']) } });
    });

    it.each<[string, () => Promise<string>, string]>([
      ['another signer', () => other.revocationList(['a']), 'signature invalid'],
      [
        'a tampered payload',
        async () => {
          const [h, , s] = (await kit.revocationList(['a'])).split('.');
          return `${h}.${b64url({ iat: now(), revoked: [] })}.${s}`;
        },
        'signature invalid',
      ],
      [
        'HS256',
        async () => craftJws({ alg: 'HS256' }, { iat: now(), revoked: [] }, 'HS256', kit.publicKey),
        'unsupported algorithm (HS256)',
      ],
      ['alg none', async () => craftJws({ alg: 'none' }, { iat: now(), revoked: [] }, 'none'), 'malformed'],
      ['padding', async () => `${await kit.revocationList(['a'])}=`, 'malformed'],
      ['garbage', async () => 'not a list', 'malformed'],
      [
        'no iat',
        async () => craftJws({ alg: 'RS256' }, { revoked: ['a'] }, 'RS256', kit.privateKey),
        'invalid claims (iat: is required)',
      ],
      [
        'iat in the future',
        () => kit.revocationList(['a'], { iat: now() + 3600 }),
        'not yet valid (iat in the future)',
      ],
      [
        'revoked missing',
        async () => craftJws({ alg: 'RS256' }, { iat: now() }, 'RS256', kit.privateKey),
        'invalid claims (revoked: must be an array of jti strings)',
      ],
      [
        'revoked not strings',
        async () => craftJws({ alg: 'RS256' }, { iat: now(), revoked: [1] }, 'RS256', kit.privateKey),
        'invalid claims (revoked: each jti must be 1-200 printable characters)',
      ],
      [
        'expired list',
        async () =>
          craftJws({ alg: 'RS256' }, { iat: now() - 1000, exp: now() - 500, revoked: [] }, 'RS256', kit.privateKey),
        'expired',
      ],
    ])('%s', async (_label, make, why) => {
      expect(await verifyRevocationList(await make(), { keys })).toEqual({ ok: false, why });
    });

    it('the issuer is checked when configured', async () => {
      const list = await kit.revocationList(['a'], { iss: 'someone-else' });
      expect(await verifyRevocationList(list, { keys, issuer: ['vendor'] })).toEqual({
        ok: false,
        why: 'issuer mismatch',
      });
      expect(
        await verifyRevocationList(await kit.revocationList(['a'], { iss: 'vendor' }), { keys, issuer: ['vendor'] }),
      ).toMatchObject({ ok: true });
    });

    it(`a list larger than ${MAX_REVOCATION_LIST_BYTES} bytes is malformed; a large list below it verifies`, async () => {
      const many = Array.from({ length: 20_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      const big = await kit.revocationList(many);
      expect(big.length).toBeLessThan(MAX_REVOCATION_LIST_BYTES);
      const outcome = await verifyRevocationList(big, { keys });
      expect(outcome.ok && outcome.list.revoked.size).toBe(20_000);
      expect(await verifyRevocationList(`${big}${'A'.repeat(MAX_REVOCATION_LIST_BYTES)}`, { keys })).toEqual({
        ok: false,
        why: 'malformed',
      });
    });
  });

  describe('verifyLicenseToken: revoked', () => {
    it('a listed jti is "revoked" (claims kept); an unlisted one or a key without jti is accepted', async () => {
      const revoked = new Set(['k-1']);
      expect(await verifyLicenseToken(await keyWithJti('k-1'), { keys, audience: 'liberty', revoked })).toMatchObject({
        status: 'rejected',
        reason: 'revoked',
        claims: { jti: 'k-1', customer: 'Test Customer' },
      });
      expect(await verifyLicenseToken(await keyWithJti('k-2'), { keys, audience: 'liberty', revoked })).toMatchObject({
        status: 'accepted',
      });
      expect(
        await verifyLicenseToken(await keyWithJti(undefined), { keys, audience: 'liberty', revoked }),
      ).toMatchObject({ status: 'accepted' });
      expect(await verifyLicenseToken(await keyWithJti('k-1'), { keys, audience: 'liberty' })).toMatchObject({
        status: 'accepted',
      });
    });
  });

  async function start(options: Partial<LicenseModuleOptions>, token: string, logger = new CapturingLogger()) {
    const moduleRef = await Test.createTestingModule({
      imports: [LicenseModule.forRoot({ audience: 'liberty', publicKey: kit.publicKey, ...options })],
    })
      .setLogger(logger)
      .overrideProvider(LICENSE_ENVIRONMENT)
      .useValue(new MutableEnvironment({ LIBERTY_LICENSE_KEY: token }))
      .compile();
    open.push(moduleRef);
    await moduleRef.init();
    return { license: moduleRef.get(LicenseService), logger, moduleRef };
  }

  let counter = 0;
  const listPath = () => join(dir, `list-${++counter}.jwt`);

  describe('LicenseModule option revocationListPath', () => {
    it('off by default: a key is never checked against any list', async () => {
      const { license } = await start({}, await keyWithJti('k-1'));
      expect(license.state.status).toBe('accepted');
    });

    it('a listed key is rejected "revoked" at startup, its claims kept for display', async () => {
      const path = listPath();
      await writeFile(path, `${await kit.revocationList(['k-1'])}\n`);
      const { license, logger } = await start({ revocationListPath: path }, await keyWithJti('k-1'));
      expect(license.state).toMatchObject({
        status: 'rejected',
        reason: 'revoked',
        claims: { jti: 'k-1' },
        warnings: [],
      });
      expect(license.isLicensed('connector:sap')).toBe(false);
      expect(logger.linesOf('liberty.licensing')).toContainEqual(['warn', 'license rejected — reason="revoked"']);
    });

    it('a list replaced while running is picked up by itself (watched like the key file), and on reverify', async () => {
      const path = listPath();
      await writeFile(path, await kit.revocationList(['someone-else'], { iat: now() - 100 }));
      const { license } = await start({ revocationListPath: path, keyFilePollIntervalMs: 50 }, await keyWithJti('k-1'));
      expect(license.state.status).toBe('accepted');
      const changes: string[] = [];
      license.events$.subscribe((e) => changes.push(`${e.type}:${e.current.status}`));

      await writeFile(path, await kit.revocationList(['someone-else', 'k-1'], { iat: now() - 50 }));
      await until('the new list to revoke the key', () => license.state.reason === 'revoked', { timeoutMs: 15_000 });
      expect(changes).toEqual(['license.changed:rejected']);

      // The vendor withdraws the revocation with a newer list: reverify() re-reads it at once.
      await writeFile(path, await kit.revocationList([], { iat: now() - 10 }));
      expect((await license.reverify()).status).toBe('accepted');
    });

    it('a tampered, foreign, older or unreadable list is a warning and the last good list stays in force', async () => {
      const path = listPath();
      const goodIat = now() - 100;
      const good = await kit.revocationList(['k-1'], { iat: goodIat });
      await writeFile(path, good);
      const { license, logger } = await start(
        { revocationListPath: path, keyFilePollIntervalMs: 0 },
        await keyWithJti('k-1'),
      );
      expect(license.state.reason).toBe('revoked');
      const issued = new Date(goodIat * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const keeping = `keeping the list issued ${issued}`;

      const [h, , s] = (await kit.revocationList(['k-9'], { iat: now() })).split('.');
      const cases: Array<[string, () => Promise<void>, string]> = [
        [
          'tampered',
          () => writeFile(path, `${h}.${b64url({ iat: now(), revoked: [] })}.${s}`),
          `revocation list rejected (signature invalid); ${keeping}`,
        ],
        [
          'foreign',
          async () => writeFile(path, await other.revocationList([])),
          `revocation list rejected (signature invalid); ${keeping}`,
        ],
        [
          'older',
          async () => writeFile(path, await kit.revocationList([], { iat: now() - 1000 })),
          expect.stringMatching(/^revocation list older than the one in force \(issued .+\); keeping the list issued /),
        ],
        ['deleted', () => rm(path), `revocation list unreadable (ENOENT); ${keeping}`],
        ['a directory', () => mkdir(path), `revocation list unreadable (EISDIR); ${keeping}`],
      ];
      for (const [label, change, warning] of cases) {
        await change();
        const state = await license.reverify();
        expect({ label, reason: state.reason, warnings: state.warnings }).toEqual({
          label,
          reason: 'revoked',
          warnings: [warning],
        });
      }
      expect(
        logger.linesOf('liberty.licensing').filter(([level, m]) => level === 'warn' && m.startsWith('revocation list')),
      ).toHaveLength(cases.length);

      // A good newer list takes over again.
      await rm(path, { recursive: true });
      await writeFile(path, await kit.revocationList([], { iat: now() }));
      expect(await license.reverify()).toMatchObject({ status: 'accepted', warnings: [] });
    });

    it('a FIFO or an oversized file is refused at once, never a hang', async () => {
      const fifo = join(dir, 'list.fifo');
      execFileSync('mkfifo', [fifo]);
      const { license } = await start({ revocationListPath: fifo, keyFilePollIntervalMs: 0 }, await keyWithJti('k-1'));
      expect(license.state).toMatchObject({
        status: 'accepted',
        warnings: ['revocation list unreadable (not a regular file (FIFO)); no revocation list in force'],
      });
      const huge = listPath();
      await writeFile(huge, Buffer.alloc(MAX_REVOCATION_LIST_BYTES + 10, 65));
      const second = await start({ revocationListPath: huge, keyFilePollIntervalMs: 0 }, await keyWithJti('k-1'));
      expect(second.license.state.warnings).toEqual([
        `revocation list unreadable (larger than ${MAX_REVOCATION_LIST_BYTES} bytes); no revocation list in force`,
      ]);
    });

    it('with no good list yet, an unusable list file is a warning and keys are accepted', async () => {
      const path = listPath();
      await writeFile(path, 'garbage');
      const { license } = await start({ revocationListPath: path }, await keyWithJti('k-1'));
      expect(license.state).toMatchObject({
        status: 'accepted',
        warnings: ['revocation list rejected (malformed); no revocation list in force'],
      });
    });

    it('a restart reads the list again (a revoked key stays revoked)', async () => {
      const path = listPath();
      await writeFile(path, await kit.revocationList(['k-1']));
      const token = await keyWithJti('k-1');
      const first = await start({ revocationListPath: path }, token);
      expect(first.license.state.reason).toBe('revoked');
      await first.moduleRef.close();
      open.splice(open.indexOf(first.moduleRef), 1);
      const second = await start({ revocationListPath: path }, token);
      expect(second.license.state.reason).toBe('revoked');
    });

    it.each(['', '  ', 42 as unknown as string])(
      'revocationListPath %p is a configuration error',
      async (revocationListPath) => {
        await expect(start({ revocationListPath }, 'x')).rejects.toThrow(LicenseConfigurationError);
      },
    );
  });
});
