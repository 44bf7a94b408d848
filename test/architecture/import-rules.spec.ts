// The import rules of .dependency-cruiser.cjs (no cycle, no import up the layers, interfaces/ types
// only) hold for the library and both apps. Runs in the unit project, so land.sh and CI fail on a
// cycle. `npm run lint:deps` prints the same report.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DEPCRUISE = 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs';

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
  readonly cycle?: readonly { readonly name: string }[];
}

async function violations(...paths: string[]): Promise<Violation[]> {
  // Exit code 1 = violations found; the JSON report is on stdout either way.
  const { stdout } = await run(
    process.execPath,
    [DEPCRUISE, '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...paths],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const describeViolation = (v: Violation): string =>
  `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(' → ')})` : ''}`;

describe('import rules (.dependency-cruiser.cjs)', () => {
  it('libs/license/src, apps/sample/src and apps/satellite/src have no cycle and no import up the layers', async () => {
    const found = await violations('libs/license/src', 'apps/sample/src', 'apps/satellite/src');
    expect(found.map(describeViolation)).toEqual([]);
  }, 120_000);

  it('reports an import cycle (the rule is live, not vacuous)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cycle-'));
    try {
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = () => b;\n");
      writeFileSync(join(dir, 'b.ts'), "import { a } from './a.js';\nexport const b = () => a;\n");
      const found = await violations(dir);
      expect(found.map((v) => v.rule.name)).toContain('no-circular');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
