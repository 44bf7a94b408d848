import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

describe('optional-packages', () => {
  // An app with none of the optional packages (GraphQL, WebSockets, microservices, Terminus,
  // prom-client, Redis) boots and guards HTTP routes: the library never imports them statically.
  const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const FIXTURES = join(ROOT, 'test/library/fixtures');
  const DEADLINE_MS = 30_000;

  function run(state: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--no-warnings',
          '--import',
          join(FIXTURES, 'hide-optional-packages.mjs'),
          join(FIXTURES, 'no-optional-packages-app.mjs'),
          state,
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const deadline = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(deadline);
        resolvePromise({ code, stdout, stderr });
      });
    });
  }

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'libs/license/dist/index.js'))) {
      throw new Error('libs/license/dist is missing: run `npm run build` (npm test does it first)');
    }
  });

  describe('an app without any optional package', () => {
    it.each([
      [
        'not-configured',
        {
          status: 403,
          body: expect.objectContaining({
            code: 'LICENSE_REQUIRED',
            feature: 'connector:sap',
            licenseStatus: 'not-configured',
          }),
        },
      ],
      ['accepted', { status: 200, body: ['MARA'] }],
    ])(
      '%s: boots, guards the licensed route, serves the open one, never tries to load an optional package',
      async (state, locked) => {
        const outcome = await run(state);
        expect({ code: outcome.code, stderr: outcome.stderr }).toEqual({ code: 0, stderr: '' });
        const report = JSON.parse(outcome.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
        expect(report.attemptsByNest).toBeGreaterThan(0);
        expect(report).toEqual({
          // The packages really are hidden in the child (else this test would prove nothing).
          sanity: 'ERR_MODULE_NOT_FOUND',
          locked,
          open: { status: 200, body: { open: true } },
          attemptsByTheLibrary: [],
          // Nest probes for @nestjs/websockets and @nestjs/microservices itself: the hook saw those.
          attemptsByNest: expect.any(Number),
        });
      },
      DEADLINE_MS + 10_000,
    );
  });
});
