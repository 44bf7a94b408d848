// Runs the BUILT `liberty-license` bin as a child process (run `npm run build` first; `npm test`
// does). Keys are generated per test file into a temp dir; nothing is written into the repo.
import { spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateLicenseKeyPair, signLicense, type PemKeyPair } from '@liberty/license-cli';

export const BIN = fileURLToPath(new URL('../../../libs/license/bin/liberty-license.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../../libs/license/dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the child's stdin (which is then closed). */
  stdin?: string;
  /** The child's whole environment besides PATH (the caller's own variables never leak in). */
  env?: Record<string, string>;
  /** Run under `sh -c 'umask <mask>; exec node BIN …'`. */
  umask?: string;
}

export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  if (!existsSync(BUILT)) throw new Error('libs/license/dist/cli/main.js is missing: run `npm run build` first');
  const env = { PATH: process.env.PATH ?? '', ...options.env };
  const [command, argv] = options.umask
    ? ['/bin/sh', ['-c', `umask ${options.umask}; exec "$0" "$@"`, process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined); // the tool may exit before reading stdin
    child.stdin.end(options.stdin ?? '');
  });
}

/** The lines of an output, without the final newline. */
export function lines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

/** The key must never come back whole, on either stream, nor its signature. */
export function expectTokenNotEchoed(result: CliResult, token: string): void {
  const signature = token.split('.')[2];
  for (const stream of [result.stdout, result.stderr]) {
    expect(stream).not.toContain(token);
    if (signature && signature.length >= 16) expect(stream).not.toContain(signature);
  }
}

export interface Vendor {
  dir: string;
  keys: PemKeyPair;
  privatePath: string;
  publicPath: string;
  /** Signs `claims` as given (RS256) with this vendor's key. */
  sign(claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
  cleanup(): Promise<void>;
}

/** A throw-away vendor: a 2048-bit key pair in a fresh temp dir. */
export async function createVendor(): Promise<Vendor> {
  const dir = await mkdtemp(join(tmpdir(), 'liberty-cli-'));
  const keys = await generateLicenseKeyPair(2048);
  const privatePath = join(dir, 'private.pem');
  const publicPath = join(dir, 'public.pem');
  await writeFile(privatePath, keys.privateKey, { mode: 0o600 });
  await writeFile(publicPath, keys.publicKey);
  return {
    dir,
    keys,
    privatePath,
    publicPath,
    sign: (claims, header) => signLicense(claims, { privateKey: keys.privateKey, header }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Per-test timeout: child processes are slow on a busy machine (no test asserts speed). */
export const TIMEOUT = 60_000;

export const DAY = 86_400;
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The seed claims of DESIGN.md section 3, valid from an hour ago for `days` days. */
export function seedClaims(days = 365): Record<string, unknown> {
  const now = nowSeconds();
  return {
    iss: 'nomana-it',
    aud: 'liberty',
    sub: 'acme',
    iat: now - 3600,
    nbf: now - 3600,
    exp: now - 3600 + days * DAY,
    customer: 'Acme Corp',
    edition: 'enterprise',
    features: {
      connectors: ['jdedwards', 'sap', 'snowflake'],
      apps: ['nomajde', 'nomasx-1'],
      users: { max: 250 },
      ai: { providers: ['anthropic'], messagesPerDay: 5000 },
    },
  };
}

export const b64url = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact JWS assembled by hand (for headers no signer would produce). */
export function rawToken(header: unknown, payload: unknown, signature = 'c2lnbmF0dXJlLWJ5dGVz'): string {
  return `${b64url(header)}.${b64url(payload)}.${signature}`;
}

/** An HS256 token, really MAC'd, that an RS256-only verifier must refuse by its `alg`. */
export function hs256Token(payload: unknown, secret = 'shared-secret'): string {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** PEMs that are not acceptable RSA public keys of at least 2048 bits. */
export function unusablePublicKeys(vendor: Vendor) {
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' });
  return {
    'the private key': vendor.keys.privateKey,
    'a 1024-bit RSA key': small.toString(),
    'an EC P-256 key': ec.toString(),
    'a text file': 'this is not a key\n',
  } as Record<string, string>;
}

/** Decodes a compact JWS's header and payload (tests only; no verification). */
export function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
  };
}
