// The tests' toolbox stays one toolbox: test/support/ holds the helpers every suite shares (ports,
// polling, servers, built apps, app.toml, keys), and nothing in test/ imports the benchmarks
// (bench/ may import test/support/, not the other way round). A second copy of a toolbox helper
// outside test/support/ fails here, so the copies do not grow back.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = process.cwd();
const TEST = join(ROOT, 'test');
const SUPPORT = join(TEST, 'support');
// This file shows the patterns it rejects.
const SELF = join(TEST, 'architecture', 'test-toolbox.spec.ts');

/** The helpers that live in test/support/ only (by the name of their definition). */
const TOOLBOX_HELPERS = ['freePort', 'closedPort', 'listenOnFreePort', 'until', 'eventually'];

const SOURCE = /\.(ts|mts|js|mjs|cjs)$/;
const IMPORTS_BENCH = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](?:\.\.?\/)+(?:\.\.\/)*bench\//;
const DEFINES = new RegExp(
  [
    // function until(…) / async function until<T>(…)
    `\\bfunction\\s+(${TOOLBOX_HELPERS.join('|')})\\b`,
    // const until = (…) => / const until = async function
    `\\b(?:const|let|var)\\s+(${TOOLBOX_HELPERS.join('|')})\\s*=\\s*(?:async\\s*)?(?:\\(|function\\b|[A-Za-z_$][\\w$]*\\s*=>)`,
    // a method: async until(…): Promise<void> {
    `^\\s*(?:(?:public|private|protected|static|async)\\s+)*(${TOOLBOX_HELPERS.join('|')})\\s*(?:<[^>]*>)?\\(.*\\)\\s*(?::\\s*[^={;]+)?\\{\\s*$`,
  ].join('|'),
  'm',
);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : filesUnder(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

/** What breaks the rules in one file (`path` relative to the repository). */
export function toolboxViolations(path: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (IMPORTS_BENCH.test(line)) found.push(`${path}:${index + 1} imports from bench/: ${line.trim()}`);
  });
  if (!path.startsWith('test/support/')) {
    for (const match of text.matchAll(new RegExp(DEFINES.source, 'gm'))) {
      const name = match.slice(1).find(Boolean);
      const line = text.slice(0, match.index).split('\n').length;
      found.push(`${path}:${line} defines ${name}() outside test/support/ (import it from there)`);
    }
  }
  return found;
}

describe('the test toolbox (test/support/)', () => {
  it('no file in test/ imports bench/, and no toolbox helper is defined twice', () => {
    const found = filesUnder(TEST)
      .filter((file) => file !== SELF)
      .flatMap((file) => toolboxViolations(relative(ROOT, file).split('\\').join('/'), readFileSync(file, 'utf8')));
    expect(found).toEqual([]);
  });

  it('the helpers it guards are in test/support/', () => {
    const support = filesUnder(SUPPORT)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    for (const name of ['closedPort', 'listenOnFreePort', 'until']) {
      expect(support).toMatch(new RegExp(`export (async )?function ${name}\\b`));
    }
  });

  it('reports an import of bench/ and a second until()/freePort() (the rules are live)', () => {
    expect(toolboxViolations('test/x/a.ts', "import { startRedis } from '../../bench/lib/servers.js';")).toHaveLength(
      1,
    );
    expect(toolboxViolations('test/x/a.ts', "const m = await import('../../bench/lib/x.js');")).toHaveLength(1);
    expect(
      toolboxViolations('test/x/a.ts', 'async function until(what: string, probe: () => boolean) {\n}\n'),
    ).toHaveLength(1);
    expect(toolboxViolations('test/x/a.ts', 'export async function freePort(): Promise<number> {\n}\n')).toHaveLength(
      1,
    );
    expect(toolboxViolations('test/x/a.ts', 'const eventually = async (check) => {};')).toHaveLength(1);
    expect(
      toolboxViolations('test/x/a.ts', '  async until(check: () => Promise<boolean>, what: string): Promise<void> {'),
    ).toHaveLength(1);
    // Calls and the toolbox itself are fine; running bench/run.js as a child process is not an import.
    expect(
      toolboxViolations('test/x/a.ts', "await until('ready', () => true);\nspawn('node', ['bench/run.js']);"),
    ).toEqual([]);
    expect(toolboxViolations('test/support/poll.ts', 'export async function until() {\n}\n')).toEqual([]);
  });
});
