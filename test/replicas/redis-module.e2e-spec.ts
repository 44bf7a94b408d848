import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis, type RedisServer } from '../support/servers.js';
import { specTimeout } from '../support/suite.js';

// LicenseRedisModule owns the connections it opens: after app.close() the process exits by itself
// (a host's test suite must not hang on two open Redis sockets), also when Redis is down by then;
// a client the host passed in stays the host's. Real child processes on the BUILT library.

specTimeout(120_000);

const APP = fileURLToPath(new URL('./fixtures/redis-module-app.mjs', import.meta.url));

interface Exit {
  code: number | null;
  output: string;
  /** From app.close() to the process exit. */
  afterCloseMs: number;
}

function run(args: string[], env: Record<string, string>, onLine?: (line: string) => void): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [APP, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let closedAt = 0;
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of chunk.toString().split('\n')) {
        if (line === 'app closed') closedAt = Date.now();
        if (line) onLine?.(line);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the process did not exit within 30 s:\n${output}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, afterCloseMs: closedAt ? Date.now() - closedAt : -1 });
    });
  });
}

describe('LicenseRedisModule: connections and shutdown', () => {
  let redis: RedisServer;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis();
    dir = await mkdtemp(join(tmpdir(), 'liberty-redis-module-'));
  });
  afterAll(async () => {
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('forRoot({ url }): the process exits by itself after app.close()', async () => {
    const exit = await run(['url'], { REDIS_URL: redis.url });
    expect(exit.output).toContain('app closed');
    expect(exit.code).toBe(0);
    expect(exit.afterCloseMs).toBeGreaterThanOrEqual(0);
    expect(exit.afterCloseMs).toBeLessThan(10_000);
  });

  it("forRoot({ client }): the host's client is left open by app.close(); closed by the host, the process exits", async () => {
    const exit = await run(['client'], { REDIS_URL: redis.url });
    expect(exit.output).toContain('host client open after app.close(): true');
    expect(exit.code).toBe(0);
  });

  it('an app whose creation fails (after the module was set up): the process still exits, with its exit code', async () => {
    const exit = await run(['fail'], { REDIS_URL: redis.url });
    expect(exit.output).toContain('startup failed: database unreachable');
    expect(exit.code).toBe(1);
  });

  it('as a restricted ACL user (the one docs/replicas-and-persistence.md gives): every command is allowed', async () => {
    const acl = join(dir, 'users.acl');
    await writeFile(
      acl,
      [
        'user default off',
        'user liberty on >s3cret-pass resetkeys ~liberty:{exit}:* resetchannels &liberty:{exit}:* -@all +@connection +get +set +incr +incrby +decrby +expire +time +hget +hset +hdel +zadd +zrem +zrangebyscore +publish +subscribe +unsubscribe +eval +evalsha',
        '',
      ].join('\n'),
    );
    const locked = await startRedis({ args: ['--aclfile', acl] });
    try {
      const exit = await run(['acl'], { REDIS_URL: locked.url.replace('redis://', 'redis://liberty:s3cret-pass@') });
      expect(exit.output).toContain('counted 1 2 2');
      expect(exit.output).toContain('listed connected');
      expect(exit.output).toContain('problems []');
      expect(exit.code).toBe(0);
      // And the same Redis refuses the default user: no password, no access.
      const anonymous = await run(['url'], { REDIS_URL: locked.url, WAIT_MS: '3000' });
      expect(anonymous.code).not.toBe(0);
      expect(anonymous.output).toMatch(/NOAUTH|WRONGPASS|Redis never connected/);
    } finally {
      await locked.stop();
    }
  });

  it('Redis down at shutdown: the process still exits', async () => {
    const flag = join(dir, 'killed');
    const exit = await run(['down', flag], { REDIS_URL: redis.url }, (line) => {
      if (line === 'kill redis now') void redis.kill().then(() => writeFile(flag, ''));
    });
    await redis.start();
    expect(exit.output).toContain('app closed');
    expect(exit.code).toBe(0);
    expect(exit.afterCloseMs).toBeLessThan(10_000);
  });
});
