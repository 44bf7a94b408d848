#!/usr/bin/env node
// Run by `npm test` before Jest: makes sure the real parts some suites start are on this machine —
// Chromium's headless shell (browser tests, through playwright-core), redis-server and PostgreSQL 15 (replica and
// persistence tests). Like `playwright install --with-deps`, it installs what is missing from
// Debian's packages when it can (root, or password-less sudo, and apt-get), saying what it does.
// When it cannot, it stops here with ONE line naming what to install, instead of a dozen suites
// failing one by one. Set LIBERTY_SKIP_PROVISION=1 to skip the check altogether.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const env = process.env;
const CHROMIUM_PATH = env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell';
const PG_BIN = env.LIBERTY_PG_BIN ?? '/usr/lib/postgresql/15/bin';
// Tests point this at a fake apt-get; on a real machine it is apt-get from PATH.
const APT_GET =
  env.LIBERTY_PROVISION_APT_GET !== undefined ? executableOrUndefined(env.LIBERTY_PROVISION_APT_GET) : which('apt-get');

/** What the suites need: where they look, and the Debian package that puts it there. */
const requirements = [
  {
    what: `Chromium's headless shell (${CHROMIUM_PATH})`,
    pkg: 'chromium-headless-shell',
    present: () => isExecutable(CHROMIUM_PATH),
    hint: 'or set CHROMIUM_PATH',
  },
  { what: 'redis-server (on PATH)', pkg: 'redis-server', present: () => which('redis-server') !== undefined, hint: '' },
  {
    what: `PostgreSQL 15 (${PG_BIN}/initdb)`,
    pkg: 'postgresql-15',
    present: () => isExecutable(join(PG_BIN, 'initdb')),
    hint: 'or set LIBERTY_PG_BIN',
  },
];

if (env.LIBERTY_SKIP_PROVISION === '1') process.exit(0);

const missing = requirements.filter((r) => !r.present());
if (missing.length === 0) process.exit(0);

const packages = missing.map((r) => r.pkg);
const sudo = canInstallAsRoot() ? [] : canSudo() ? ['sudo', '-n'] : undefined;
if (!APT_GET || sudo === undefined) {
  fail(`cannot install them here (${!APT_GET ? 'no apt-get' : 'not root, no password-less sudo'})`);
}

log(`missing ${missing.map((r) => r.what).join(', ')}; installing Debian packages: ${packages.join(' ')}`);
const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', ...packages],
]) {
  const [command, ...rest] = [...sudo, APT_GET, ...args];
  log(`$ ${[command, ...rest].join(' ')}`);
  // stdout to stderr: apt's progress must not mix with what Jest prints, and never to a pipe we drop.
  const result = spawnSync(command, rest, { env: aptEnv, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) fail(`apt-get ${args[0]} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

const still = requirements.filter((r) => !r.present());
if (still.length > 0) fail(`still missing after apt-get install: ${still.map((r) => r.what).join(', ')}`);
log(`installed ${packages.join(' ')}`);

function fail(why) {
  const all = missing.map((r) => r.pkg).join(' ');
  const hints = missing
    .map((r) => r.hint)
    .filter(Boolean)
    .join('; ');
  process.stderr.write(
    `provision-test-deps: npm test needs ${missing.map((r) => r.what).join(', ')}: ${why}. ` +
      `Install them with: sudo apt-get install -y ${all}${hints ? ` (${hints})` : ''}\n`,
  );
  process.exit(1);
}

function log(line) {
  process.stderr.write(`provision-test-deps: ${line}\n`);
}

function canInstallAsRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function canSudo() {
  if (!which('sudo')) return false;
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function executableOrUndefined(path) {
  return isExecutable(path) ? path : undefined;
}

function which(name) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name)) && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}
