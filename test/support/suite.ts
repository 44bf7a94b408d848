import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';

// Jest gives every test file a fresh module registry: each one loads Nest, the library and, for
// most suites, the sample app again (1.5–2 s of CPU per file). So Jest runs one file per folder of
// test/, `<folder>.e2e-suite.ts`, which imports every `*.e2e-spec.ts` beside it: the specs stay one
// file per concern, and load their modules once per folder (docs/testing.md, "One Jest file per
// folder"). Two rules keep a spec independent of the specs it shares a file with, and
// test/architecture/e2e-suites.spec.ts checks both: its hooks and tests sit inside a `describe` (a
// top-level hook would run around the whole folder), and it asks for its timeout with
// specTimeout() (Jest reads one timeout per test file).

/** The e2e project's default timeout for tests and hooks (set by test/support/e2e-timeout.ts). */
export const E2E_TIMEOUT_MS = 60_000;

let longest = E2E_TIMEOUT_MS;

/**
 * A spec's timeout for its tests and hooks, called at the top of the spec. Jest reads one timeout per
 * test file, when the file starts running, so a folder's specs share the longest any of them asks for.
 */
export function specTimeout(ms: number): void {
  longest = Math.max(longest, ms);
  jest.setTimeout(longest);
}

/** Imports every `*.e2e-spec.ts` in the folder of `suiteUrl` (the caller's import.meta.url), in name order. */
export async function importSpecs(suiteUrl: string): Promise<void> {
  const folder = dirname(fileURLToPath(suiteUrl));
  const specs = readdirSync(folder)
    .filter((name) => name.endsWith('.e2e-spec.ts'))
    .sort();
  if (specs.length === 0) throw new Error(`${folder} holds no *.e2e-spec.ts for its suite to import`);
  for (const spec of specs) await import(join(folder, spec));
}
