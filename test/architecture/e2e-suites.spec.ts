// Jest runs one file per folder of test/: `<folder>.e2e-suite.ts`, which imports the folder's
// `*.e2e-spec.ts` (test/support/suite.ts). This keeps that safe: every spec is in a folder that has
// its suite (or it would never run), and a spec's top level holds only imports, declarations,
// describe blocks and its specTimeout() call — a top-level hook would run around every spec of the
// folder, and Jest's own jest.setTimeout would set the whole folder's timeout. Runs in the unit
// project.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import ts from 'typescript';
import SuiteSequencer from '../support/suite-sequencer.js';

const TEST = join(process.cwd(), 'test');

function specsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : specsUnder(path);
    return entry.name.endsWith('.e2e-spec.ts') ? [path] : [];
  });
}

/**
 * What in a spec would reach beyond it inside a folder's suite: a top-level statement other than a
 * describe block or specTimeout(), and jest.setTimeout anywhere (it would set the folder's timeout).
 */
export function specViolations(path: string, text: string): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const at = (node: ts.Node) => `${path}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'jest.setTimeout') {
      found.push(`${at(node)} calls jest.setTimeout (use specTimeout)`);
    }
    ts.forEachChild(node, visit);
  };
  for (const statement of source.statements) {
    const callee =
      ts.isExpressionStatement(statement) && ts.isCallExpression(statement.expression)
        ? statement.expression.expression.getText(source)
        : '';
    if (ts.isExpressionStatement(statement) && !/^describe\b/.test(callee) && callee !== 'specTimeout') {
      found.push(`${at(statement)} runs at the top level: ${statement.getText(source).split('\n')[0]}`);
    } else {
      visit(statement);
    }
  }
  return found;
}

describe("the e2e specs run inside their folder's suite", () => {
  const specs = specsUnder(TEST);
  const suites = readdirSync(TEST, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.e2e-suite.ts'))
    .map((file) => join(TEST, file));

  it('every folder with specs has its suite, only those folders have one, and each suite imports its specs', () => {
    const folders = [...new Set(specs.map((spec) => dirname(spec)))];
    expect(folders.length).toBeGreaterThan(10);
    for (const folder of folders) expect(existsSync(join(folder, `${basename(folder)}.e2e-suite.ts`))).toBe(true);
    expect(suites.map((suite) => dirname(suite)).sort()).toEqual(folders.sort());
    // …and every suite imports its folder's specs (a suite that did not would pass with no test).
    for (const suite of suites) expect(readFileSync(suite, 'utf8')).toContain('await importSpecs(import.meta.url);');
  });

  it('no spec has a hook, a test or any other call at its top level, nor calls jest.setTimeout', () => {
    const found = specs.flatMap((spec) => specViolations(relative(process.cwd(), spec), readFileSync(spec, 'utf8')));
    expect(found).toEqual([]);
  });

  it("starts a fresh clone's suites by their specs' size, largest first, among the other files by theirs", () => {
    const unitSpec = join(TEST, 'architecture', 'e2e-suites.spec.ts');
    // No cache: no timing and no failures from an earlier run, as in a fresh clone.
    const context = { config: { cache: false } };
    const sorted = new SuiteSequencer({}).sort([unitSpec, ...suites].map((path) => ({ path, context })));

    const specBytes = (folder: string) =>
      specs.filter((spec) => dirname(spec) === folder).reduce((sum, spec) => sum + statSync(spec).size, 0);
    const weight = (path: string) => (path === unitSpec ? statSync(path).size : specBytes(dirname(path)));
    const weights = sorted.map((test) => weight(test.path));
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
    // The suites are a few lines each: by their own size they would start last, behind the unit spec.
    expect(sorted.at(-1)!.path).not.toBe(unitSpec);
    expect(relative(TEST, sorted[0].path)).toMatch(/^(replicas|browser|sample|library)\//);
  });

  it('names what it rejects (a top-level hook, test and jest.setTimeout), not describe or specTimeout', () => {
    const spec = [
      "import { specTimeout } from '../support/suite.js';",
      'specTimeout(120_000);',
      'jest.setTimeout(120_000);',
      'const TEXT = `\nbeforeAll(() => {});\n`;',
      'beforeAll(() => {});',
      "it('alone', () => {});",
      "describe('concern', () => { beforeAll(() => {}); it('inside', () => {}); });",
      "describe.each([1])('each %s', () => {});",
      "describe('slow', () => { jest.setTimeout(1); });",
    ].join('\n');
    expect(specViolations('x.e2e-spec.ts', spec)).toEqual([
      'x.e2e-spec.ts:3 runs at the top level: jest.setTimeout(120_000);',
      'x.e2e-spec.ts:7 runs at the top level: beforeAll(() => {});',
      "x.e2e-spec.ts:8 runs at the top level: it('alone', () => {});",
      'x.e2e-spec.ts:11 calls jest.setTimeout (use specTimeout)',
    ]);
  });
});
