// Real servers started on free ports in temp dirs and stopped afterwards: PostgreSQL (a copy of one `initdb` +
// `pg_ctl`) and `redis-server`. Used by the tests and by the benchmarks (bench/ imports it from
// here; test/ never imports bench/). Plain JavaScript with servers.d.ts, so the benchmarks run it
// without a TypeScript loader. A missing binary fails with one line saying what to install.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { chmod, chown, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { listenOnFreePort } from './ports.js';

export const PG_BIN = process.env.LIBERTY_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const INITDB_ARGS = ['-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'];

function which(binary) {
  for (const dir of (process.env.PATH ?? '').split(':'))
    if (dir && existsSync(join(dir, binary))) return join(dir, binary);
  return undefined;
}

/** Runs a command to its end; rejects with its output when it fails. */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${output}`)),
    );
  });
}

async function waitForPort(port, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => (socket.destroy(), resolve(false)));
      socket.connect(port, '127.0.0.1');
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on port ${port} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * A fresh data directory (see initdbTemplate) + `pg_ctl start` into a temp dir on a free port (trust auth, 127.0.0.1 only). As root,
 * the server runs as the `postgres` user (PostgreSQL refuses to run as root).
 */
export async function startPostgres() {
  if (!existsSync(join(PG_BIN, 'initdb'))) {
    throw new Error(
      `PostgreSQL server binaries not found in ${PG_BIN}: install the Debian package postgresql-15 (or set LIBERTY_PG_BIN)`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'liberty-pg-'));
  const ids = process.getuid?.() === 0 ? await postgresIds() : {};
  if (ids.uid !== undefined) {
    await chown(dir, ids.uid, ids.gid);
    await chmod(dir, 0o700);
  }
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  // `cp -a` keeps the owner (postgres) and the 0700 mode the server insists on.
  await run('cp', ['-a', await initdbTemplate(ids), data]);
  const startOn = async (port) => {
    const logBefore = await readFile(log, 'utf8').catch(() => '');
    try {
      await run(
        join(PG_BIN, 'pg_ctl'),
        [
          '-D',
          data,
          '-l',
          log,
          '-w',
          '-t',
          '60',
          '-o',
          `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
          'start',
        ],
        ids,
      );
    } catch (error) {
      // pg_ctl only says "could not start server": the reason (e.g. "Address already in use") is in the log.
      const logNow = await readFile(log, 'utf8').catch(() => '');
      throw new Error(`${error.message}\n${logNow.slice(logBefore.length)}`, { cause: error });
    }
    await waitForPort(port, 30_000, 'PostgreSQL');
  };
  // A port taken by another process between the check and the bind: again on a new port.
  const port = await listenOnFreePort(async (free) => (await startOn(free), free));
  /** After `halt()`: again on the same port (as the operator's restart). */
  const start = () => startOn(port);
  const { default: pg } = await import('pg');
  return {
    port,
    /**
     * Stops the server as an operator's restart or a failover would (`fast`: open sessions are
     * terminated — "terminating connection due to administrator command"; `immediate`: no
     * shutdown checkpoint, like a crash). The data stays; `start()` brings it back on the same port.
     */
    async halt(mode = 'fast') {
      await run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', mode, '-w', '-t', '60', 'stop'], ids);
    },
    start,
    async createDatabase(name) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      await client.connect();
      try {
        await client.query(`create database "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
    },
    async stop() {
      await run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], ids).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let template;

/**
 * A data directory fresh from `initdb`, made once per PostgreSQL build and copied for every server
 * (0.2 s instead of initdb's 1 s of CPU and 2–3 s of waiting): the same files a new `initdb` would
 * write. Kept in the temp dir (where the postgres user can reach it wherever the checkout is), keyed
 * by the binaries' version, initdb's arguments and the owner; made in a scratch dir and renamed into
 * place, so two Jest workers never see half a template.
 */
function initdbTemplate(ids) {
  template ??= (async () => {
    const version = await run(join(PG_BIN, 'postgres'), ['--version']);
    const owner = ids.uid ?? process.getuid?.();
    const key = createHash('sha256')
      .update([PG_BIN, version, owner, ...INITDB_ARGS].join('\n'))
      .digest('hex')
      .slice(0, 12);
    const path = join(tmpdir(), `liberty-pg-initdb-${key}`);
    if (existsSync(join(path, 'PG_VERSION'))) return path;
    const scratch = await mkdtemp(join(tmpdir(), 'liberty-pg-initdb-scratch-'));
    try {
      if (ids.uid !== undefined) await chown(scratch, ids.uid, ids.gid);
      await run(join(PG_BIN, 'initdb'), ['-D', join(scratch, 'data'), ...INITDB_ARGS], ids);
      // Another worker may have won the race: its template is as good as ours.
      await rename(join(scratch, 'data'), path).catch((error) => {
        if (!existsSync(join(path, 'PG_VERSION'))) throw error;
      });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    return path;
  })();
  template.catch(() => (template = undefined));
  return template;
}

async function postgresIds() {
  const uid = await run('id', ['-u', 'postgres']).catch(() => '');
  const gid = await run('id', ['-g', 'postgres']).catch(() => '');
  if (!uid.trim())
    throw new Error('running as root, PostgreSQL needs the "postgres" user: install the Debian package postgresql-15');
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/**
 * A `redis-server` on a free port, stopped by `stop()`. `persistent`: an append-only file synced
 * on every write, so data survives `kill()` + `start()` (as a production Redis would keep it).
 */
export async function startRedis(options = {}) {
  const binary = which('redis-server');
  if (!binary) throw new Error('redis-server not found on PATH: install the Debian package redis-server');
  const dir = await mkdtemp(join(tmpdir(), 'liberty-redis-'));
  const args = (port) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    ...(options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    // e.g. ['--aclfile', path]: the Redis an operator locks down.
    ...(options.args ?? []),
  ];
  let child;
  // A port taken by another process between the check and the bind: redis-server exits with
  // "Address already in use", and we try again on a new port.
  const port = await listenOnFreePort(async (free) => ((child = await spawnRedis(binary, args(free))), free));
  /** After `kill()`: again on the same port, with the same data dir. */
  const start = async () => {
    child = await spawnRedis(binary, args(port));
  };
  const kill = async () => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGKILL');
    await exited;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    /** Deletes what a killed server persisted, so the next `start()` begins empty (no persistence). */
    async wipe() {
      if (child) throw new Error('wipe() needs a killed redis-server');
      await rm(join(dir, 'appendonlydir'), { recursive: true, force: true });
      await rm(join(dir, 'dump.rdb'), { force: true });
    },
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts `redis-server` and resolves once it logged "Ready to accept connections" (it listens:
 * ours, not whatever else answers on that port). Rejects with its output when it exits first
 * (e.g. "Address already in use") or is not ready within 15 s.
 */
function spawnRedis(binary, args) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within 15 s:\n${output}`));
    }, 15_000);
    // Read its log for as long as it runs (a full pipe would block it); keep only the start.
    const collect = (chunk) => {
      if (output.length < 64 * 1024) output += chunk;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${signal ?? code}) before it was ready:\n${output}`));
    });
  });
}
