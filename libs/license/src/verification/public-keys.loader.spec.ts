import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLicenseKeyPair, type PemKeyPair } from '../testing/license.signer.js';
import { loadPublicKeys, publicKeySet } from './public-keys.loader.js';

// RSA key generation and child processes are slow on a loaded 2-core CI machine; never a speed check.
jest.setTimeout(30_000);

let rsa: PemKeyPair;
let other: PemKeyPair;
let dir: string;

/** Keys that must never be accepted as a signing authority, made fresh with node:crypto. */
const spki = { type: 'spki', format: 'pem' } as const;
const pkcs8 = { type: 'pkcs8', format: 'pem' } as const;
let rsa1024: string;
let ecKey: string;
let ed25519Key: string;
let certificate: string;

beforeAll(async () => {
  [rsa, other] = await Promise.all([generateLicenseKeyPair(2048), generateLicenseKeyPair(2048)]);
  rsa1024 = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    publicKeyEncoding: spki,
    privateKeyEncoding: pkcs8,
  }).publicKey;
  ecKey = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: spki,
    privateKeyEncoding: pkcs8,
  }).publicKey;
  ed25519Key = generateKeyPairSync('ed25519', { publicKeyEncoding: spki, privateKeyEncoding: pkcs8 }).publicKey;
  dir = await mkdtemp(join(tmpdir(), 'liberty-public-keys-'));
  // A self-signed certificate from an unrelated issuer (its key stays in the temp dir).
  certificate = execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'cert-key.pem'),
      '-subj',
      '/CN=unrelated issuer',
      '-days',
      '1',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('loadPublicKeys', () => {
  it('loads one bundled PEM', async () => {
    const outcome = await loadPublicKeys({ publicKey: rsa.publicKey });
    expect(outcome.ok && outcome.keys.all).toHaveLength(1);
    expect(outcome.ok && outcome.keys.byKid.size).toBe(0);
  });

  it('loads several PEMs by kid, in order', async () => {
    const outcome = await loadPublicKeys({ publicKey: { '2025': rsa.publicKey, '2026': other.publicKey } });
    if (!outcome.ok) throw new Error(outcome.why);
    expect([...outcome.keys.byKid.keys()]).toEqual(['2025', '2026']);
    expect(outcome.keys.all).toHaveLength(2);
    expect(outcome.keys.byKid.get('2026')!.export(spki)).toBe(other.publicKey);
  });

  it('publicKeyPath wins over publicKey', async () => {
    const path = join(dir, 'oem.pem');
    await writeFile(path, other.publicKey);
    const outcome = await loadPublicKeys({ publicKey: rsa.publicKey, publicKeyPath: path });
    expect(outcome.ok && outcome.keys.all[0].export(spki)).toBe(other.publicKey);
  });

  it('takes an SPKI PEM with Windows line endings', async () => {
    const outcome = await loadPublicKeys({ publicKey: rsa.publicKey.replace(/\n/g, '\r\n') });
    expect(outcome.ok).toBe(true);
  });

  // Each failure is the <why> ($DIR: the test's temp dir) of `public key unavailable (<why>)`; nothing throws.
  it.each<[string, () => Promise<Parameters<typeof loadPublicKeys>[0]>, string]>([
    ['nothing configured', async () => ({}), 'no public key configured'],
    ['an empty string', async () => ({ publicKey: '' }), 'no public key configured'],
    ['an empty kid map', async () => ({ publicKey: {} }), 'no public key configured'],
    [
      'a missing file',
      async () => ({ publicKeyPath: join(dir, 'missing.pem') }),
      'cannot read $DIR/missing.pem: ENOENT',
    ],
    ['a directory as the file', async () => ({ publicKeyPath: dir }), 'cannot read $DIR: EISDIR'],
    ['garbage text', async () => ({ publicKey: 'hello world' }), 'not a PEM public key'],
    [
      'a garbage PEM',
      async () => ({ publicKey: '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n' }),
      'not a PEM public key',
    ],
    [
      'a garbage PEM file',
      async () => {
        const path = join(dir, 'garbage.pem');
        await writeFile(path, '-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n');
        return { publicKeyPath: path };
      },
      'not a PEM public key',
    ],
    [
      'a private key (PKCS#8)',
      async () => ({ publicKey: rsa.privateKey }),
      'a private key was given; configure the public key only',
    ],
    [
      'a private key file',
      async () => {
        const path = join(dir, 'private.pem');
        await writeFile(path, rsa.privateKey, { mode: 0o600 });
        return { publicKeyPath: path };
      },
      'a private key was given; configure the public key only',
    ],
    ['an EC key', async () => ({ publicKey: ecKey }), 'not an RSA key (ec)'],
    // Finding 8: Node would take the key out of a certificate and ignore its validity and issuer.
    [
      'an X.509 certificate',
      async () => ({ publicKey: certificate }),
      'an X.509 certificate was given; configure its public key (openssl x509 -pubkey -noout -in cert.pem)',
    ],
    [
      'an X.509 certificate file',
      async () => {
        const path = join(dir, 'cert.pem');
        await writeFile(path, certificate);
        return { publicKeyPath: path };
      },
      'an X.509 certificate was given; configure its public key (openssl x509 -pubkey -noout -in cert.pem)',
    ],
    [
      'a certificate before a public key',
      async () => ({ publicKey: `${certificate}${rsa.publicKey}` }),
      'an X.509 certificate was given; configure its public key (openssl x509 -pubkey -noout -in cert.pem)',
    ],
    // Several keys in one PEM: never silently the first.
    [
      'two public keys in one PEM',
      async () => ({ publicKey: `${rsa.publicKey}${other.publicKey}` }),
      'several PEM blocks in one key; configure one key, or several keyed by kid',
    ],
    [
      'two public keys in one file',
      async () => {
        const path = join(dir, 'two.pem');
        await writeFile(path, `${other.publicKey}\n${rsa.publicKey}`);
        return { publicKeyPath: path };
      },
      'several PEM blocks in one key; configure one key, or several keyed by kid',
    ],
    [
      'a kid whose PEM holds two keys',
      async () => ({ publicKey: { k1: `${rsa.publicKey}${other.publicKey}` } }),
      'kid "k1": several PEM blocks in one key; configure one key, or several keyed by kid',
    ],
    [
      '/dev/zero as the file',
      async () => ({ publicKeyPath: '/dev/zero' }),
      'cannot read /dev/zero: not a regular file (character device)',
    ],
    [
      'a file over 256 KiB',
      async () => {
        const path = join(dir, 'huge.pem');
        await writeFile(path, `${rsa.publicKey}${' '.repeat(256 * 1024)}`);
        return { publicKeyPath: path };
      },
      'cannot read $DIR/huge.pem: larger than 262144 bytes',
    ],
    ['an Ed25519 key', async () => ({ publicKey: ed25519Key }), 'not an RSA key (ed25519)'],
    ['a 1024-bit RSA key', async () => ({ publicKey: rsa1024 }), 'RSA key of 1024 bits; at least 2048 required'],
    [
      'a bad key among good ones names its kid',
      async () => ({ publicKey: { good: rsa.publicKey, old: rsa1024 } }),
      'kid "old": RSA key of 1024 bits; at least 2048 required',
    ],
  ])('%s → %s', async (_name, source, why) => {
    await expect(loadPublicKeys(await source())).resolves.toEqual({ ok: false, why: why.replace('$DIR', dir) });
  });
});

describe('publicKeySet', () => {
  it('refuses a value that is not a string without throwing', () => {
    expect(publicKeySet([[undefined, 42 as unknown as string]])).toEqual({ ok: false, why: 'not a PEM public key' });
  });
});
