import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../support/packed-library.js';
import { specTimeout } from '../support/suite.js';

// scripts/provision-test-deps.mjs, run by `npm test` before Jest, against fake machines: every
// requirement present; missing ones installed through a fake apt-get that records its calls;
// apt-get failing; no apt-get at all (one line, exit 1, before any test runs).
specTimeout(60_000);

describe('provision-test-deps', () => {
  const SCRIPT = join(ROOT, 'scripts/provision-test-deps.mjs');
  let dir: string;
  let bin: string;
  let chromium: string;
  let pgBin: string;
  let aptLog: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'liberty-provision-'));
    bin = join(dir, 'bin');
    chromium = join(dir, 'chromium/chromium');
    pgBin = join(dir, 'pg/15/bin');
    aptLog = join(dir, 'apt.log');
    await mkdir(bin, { recursive: true });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function executable(path: string, body = '#!/bin/sh\nexit 0\n') {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    await chmod(path, 0o755);
  }

  /** A fake apt-get: records its arguments; `install` puts each package's binary where the check looks. */
  async function fakeAptGet(exitCode = 0): Promise<string> {
    const path = join(dir, 'apt-get');
    await executable(
      path,
      `#!/bin/sh
PATH=/usr/bin:/bin
echo "$@ DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> "${aptLog}"
[ ${exitCode} -ne 0 ] && exit ${exitCode}
if [ "$1" = install ]; then
  for pkg in "$@"; do
    case "$pkg" in
      chromium-headless-shell) mkdir -p "$(dirname "${chromium}")"; printf '#!/bin/sh\\n' > "${chromium}"; chmod +x "${chromium}";;
      redis-server) printf '#!/bin/sh\\n' > "${bin}/redis-server"; chmod +x "${bin}/redis-server";;
      postgresql-15) mkdir -p "${pgBin}"; printf '#!/bin/sh\\n' > "${pgBin}/initdb"; chmod +x "${pgBin}/initdb";;
    esac
  done
fi
exit 0
`,
    );
    return path;
  }

  function provision(extra: Record<string, string>) {
    const result = spawnSync(process.execPath, [SCRIPT], {
      // PATH is only this machine's fake bin: the real redis-server, sudo and apt-get stay out of sight.
      env: { PATH: bin, CHROMIUM_PATH: chromium, LIBERTY_PG_BIN: pgBin, ...extra },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('says nothing and exits 0 when Chromium, redis-server and PostgreSQL 15 are all there', async () => {
    await executable(chromium);
    await executable(join(bin, 'redis-server'));
    await executable(join(pgBin, 'initdb'));
    expect(provision({ LIBERTY_PROVISION_APT_GET: await fakeAptGet() })).toEqual({ status: 0, stdout: '', stderr: '' });
    await expect(readFile(aptLog, 'utf8')).rejects.toThrow(); // apt-get never ran
  });

  it('installs what is missing with apt-get (update, then install -y the missing packages), saying so', async () => {
    await executable(join(bin, 'redis-server'));
    const { status, stderr } = provision({ LIBERTY_PROVISION_APT_GET: await fakeAptGet() });
    expect(status).toBe(0);
    const calls = (await readFile(aptLog, 'utf8')).trim().split('\n');
    expect(calls).toEqual([
      'update -qq DEBIAN_FRONTEND=noninteractive',
      'install -y -qq chromium-headless-shell postgresql-15 DEBIAN_FRONTEND=noninteractive',
    ]);
    expect(stderr).toContain(
      `missing Chromium's headless shell (${chromium}), PostgreSQL 15 (${pgBin}/initdb); installing Debian packages: chromium-headless-shell postgresql-15`,
    );
    expect(stderr).toContain('installed chromium-headless-shell postgresql-15');
  });

  it('stops with one line naming the packages when it cannot install (no apt-get)', async () => {
    await executable(chromium);
    const { status, stdout, stderr } = provision({ LIBERTY_PROVISION_APT_GET: join(dir, 'no-such-apt-get') });
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([
      `provision-test-deps: npm test needs redis-server (on PATH), PostgreSQL 15 (${pgBin}/initdb): cannot install them here (no apt-get). ` +
        'Install them with: sudo apt-get install -y redis-server postgresql-15 (or set LIBERTY_PG_BIN)',
    ]);
  });

  it('stops with exit 1 and the install line when apt-get fails', async () => {
    const { status, stderr } = provision({ LIBERTY_PROVISION_APT_GET: await fakeAptGet(100) });
    expect(status).toBe(1);
    expect(stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^provision-test-deps: npm test needs Chromium's headless shell .*: apt-get update failed \(exit 100\)\. Install them with: sudo apt-get install -y chromium-headless-shell redis-server postgresql-15/,
    );
  });

  it('is skipped entirely with LIBERTY_SKIP_PROVISION=1', () => {
    expect(
      provision({ LIBERTY_SKIP_PROVISION: '1', LIBERTY_PROVISION_APT_GET: join(dir, 'no-such-apt-get') }).status,
    ).toBe(0);
  });
});
