import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE = join(ROOT, 'test/library/fixtures/lifecycle-app.mjs');
/** Far more than the fixture needs (about a second); only a leak would reach it. */
const EXIT_DEADLINE_MS = 20_000;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs the fixture and waits for it to end by itself; kills it (and reports it) at the deadline. */
function runFixture(): Promise<Outcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--no-warnings', FIXTURE], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, EXIT_DEADLINE_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      resolvePromise({ code, signal, stdout, stderr, timedOut });
    });
  });
}

describe('after app.close() nothing of the license module remains', () => {
  let outcome: Outcome;
  let report: Record<string, unknown>;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'libs/license/dist/index.js'))) {
      throw new Error('libs/license/dist is missing: run `npm run build` (npm test does it first)');
    }
    outcome = await runFixture();
    const last = outcome.stdout.trim().split('\n').at(-1) ?? '';
    report = last.startsWith('{') ? (JSON.parse(last) as Record<string, unknown>) : {};
  }, EXIT_DEADLINE_MS + 10_000);

  it('the process exits by itself, cleanly', () => {
    expect({ timedOut: outcome.timedOut, code: outcome.code, stderr: outcome.stderr }).toEqual({
      timedOut: false,
      code: 0,
      stderr: '',
    });
  });

  it('while running, the key-file watcher and the expiry timer were live and worked', () => {
    expect(report).toMatchObject({ startedAs: 'accepted', rotatedWhileRunning: true });
    expect(report.liveWhileRunning).toEqual(expect.arrayContaining(['STATWATCHER', 'Timeout']));
  });

  it("after close, no timer and no file watcher is left, not even an unref'd one", () => {
    expect(report.liveAfterClose).toEqual([]);
  });

  it('after close, a rotated key file is not picked up and nothing is logged', () => {
    expect(report).toMatchObject({ stateAfterClose: 'accepted', logsAfterClose: [] });
  });
});
