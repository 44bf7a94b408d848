import { execFileSync } from 'node:child_process';
import { Agent } from 'node:http';
import { access, chmod, constants, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request, { type Response } from 'supertest';
import type { SampleApp } from '../sample/sample-fixture.js';

// Helpers of the hardening tests (test/hardening/*.e2e-spec.ts). The sample app itself is started
// with test/sample/sample-fixture.ts.

/**
 * The secrets a test handed to the app: each key whole, and its payload and signature segments
 * (a response or a log line carrying only a part of a key leaks it too). The header segment is
 * not secret (every RS256 key shares it) and is not tracked.
 */
export class SecretScanner {
  private readonly needles = new Map<string, string>();

  add(token: string, label: string): string {
    this.needles.set(token, `${label} (whole key)`);
    const [, payload, signature] = token.split('.');
    // Segments shorter than this could match by chance (a crafted key may have a short part).
    if (payload && payload.length >= 16) this.needles.set(payload, `${label} (payload segment)`);
    if (signature && signature.length >= 16) this.needles.set(signature, `${label} (signature segment)`);
    return token;
  }

  /** The labels of every secret found in `text` (empty: clean). */
  find(text: string): string[] {
    const found: string[] = [];
    for (const [needle, label] of this.needles) if (text.includes(needle)) found.push(label);
    return found;
  }

  /** Throws, naming the secret and where it was found, but never printing it. */
  expectClean(text: string, where: string): void {
    const found = this.find(text);
    if (found.length > 0) throw new Error(`license key material leaked into ${where}: ${found.join(', ')}`);
  }
}

/** Everything a response shows: status line, headers and body. */
export function responseText(response: Response): string {
  return `${response.status}\n${JSON.stringify(response.headers)}\n${response.text ?? ''}`;
}

/** Every regular file under `dir` (recursively) with its content. */
export async function filesUnder(dir: string): Promise<Array<{ path: string; text: string }>> {
  const out: Array<{ path: string; text: string }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push({ path, text: await readFile(path, 'latin1') });
  }
  return out;
}

/**
 * Many requests over a bounded pool of keep-alive connections: `concurrency` in-flight requests
 * at most on the wire, the rest queued by the agent (no connection storm against the listen
 * backlog). Close with `destroy()`.
 */
export class KeepAliveClient {
  private readonly agent: Agent;

  constructor(
    private readonly sample: SampleApp,
    maxSockets = 64,
  ) {
    // timeout: an idle socket is dropped after 1 s, well before the server's 5 s keep-alive
    // timeout: reusing one the server is closing at that moment fails with ECONNRESET (seen under
    // load, when a burst followed a pause of more than 5 s on sockets kept from the previous test).
    this.agent = new Agent({ keepAlive: true, maxSockets, timeout: 1_000 });
  }

  send(
    method: 'get' | 'post' | 'put' | 'patch',
    path: string,
    body?: object,
    token: string = this.sample.adminToken,
  ): Promise<Response> {
    let test = request(this.sample.url)[method](path).agent(this.agent).set('Authorization', `Bearer ${token}`);
    if (body !== undefined) test = test.send(body);
    return test.then((response) => response);
  }

  destroy(): void {
    this.agent.destroy();
  }
}

/** Base64url of a JSON object (for hand-made headers). */
export function b64json(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * Makes `dir` refuse new files, so an atomic rewrite (temp file + rename) of a file in it fails.
 * `chmod 0555` is enough for a normal user; root ignores modes, so as root the directory is made
 * immutable (`chattr +i`, ext4/xfs/btrfs). Returns how to undo it, or `undefined` when this
 * machine offers no way to do it (root on a file system without `chattr`).
 */
export async function makeUnwritable(dir: string): Promise<(() => Promise<void>) | undefined> {
  const probe = async () => {
    try {
      await writeFile(join(dir, '.probe'), 'x', { flag: 'wx' });
      await unlink(join(dir, '.probe'));
      return true;
    } catch {
      return false;
    }
  };
  if (process.getuid?.() !== 0) {
    await chmod(dir, 0o555);
    if (!(await probe())) return () => chmod(dir, 0o755);
    await chmod(dir, 0o755);
    return undefined;
  }
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const undo = async () => {
    execFileSync('chattr', ['-i', dir], { stdio: 'ignore' });
  };
  if (!(await probe())) return undo;
  await undo();
  return undefined;
}

export async function exists(path: string): Promise<boolean> {
  return access(path, constants.F_OK).then(
    () => true,
    () => false,
  );
}
