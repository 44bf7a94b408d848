import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import TestSequencer from '@jest/test-sequencer';

// The order Jest starts test files in. Jest's own: last run's failures first, then the longest by
// last run's timing, and without timing (a fresh clone, as in CI) the largest file first. A
// folder's suite (test/support/suite.ts) is a few lines that import the folder's specs, so for that
// last rule it weighs what its specs weigh: the replica and browser suites, the longest, start first
// instead of last, where they would leave one of the two workers running alone at the end.
export default class SuiteSequencer extends TestSequencer {
  sort(tests) {
    const weights = new Map();
    const weight = (path) => {
      if (!weights.has(path)) weights.set(path, path.endsWith('.e2e-suite.ts') ? specBytes(dirname(path)) : size(path));
      return weights.get(path);
    };
    for (const test of tests) test.duration = this.time(test);
    return tests.sort((a, b) => {
      const failed = Number(this.hasFailed(b)) - Number(this.hasFailed(a));
      if (failed !== 0) return failed;
      // Files without timing first (as Jest does), then by timing, then by weight; longest first.
      if ((a.duration == null) !== (b.duration == null)) return a.duration == null ? -1 : 1;
      if (a.duration != null) return b.duration - a.duration;
      return weight(b.path) - weight(a.path);
    });
  }
}

const size = (path) => statSync(path).size;

function specBytes(folder) {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.e2e-spec.ts'))
    .reduce((sum, name) => sum + size(join(folder, name)), 0);
}
