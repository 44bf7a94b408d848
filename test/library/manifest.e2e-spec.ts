import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { specTimeout } from '../support/suite.js';

// RSA key generation and child processes are slow on a loaded 2-core CI machine; never a speed check.
specTimeout(30_000);

describe('manifest', () => {
  // The package as a user gets it: the BUILT files (`npm test` builds first), resolved through
  // node_modules/@liberty/license and its package.json `exports`, never the sources.
  const run = promisify(execFile);
  const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const PACKAGE_DIR = join(ROOT, 'libs/license');
  const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
    name: string;
    type: string;
    exports: Record<string, string | { types?: string; default?: string }>;
    main?: string;
    types?: string;
    typesVersions?: Record<string, Record<string, string[]>>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };

  /** Runs `node <args>` in the repo root, as a user's project would. */
  async function node(args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, ['--no-warnings', ...args], { cwd: ROOT, timeout: 30_000 });
    return stdout.trim();
  }

  const entries = Object.entries(manifest.exports).filter(
    (entry): entry is [string, { types: string; default: string }] => typeof entry[1] === 'object',
  );

  beforeAll(() => {
    if (!existsSync(join(PACKAGE_DIR, 'dist/index.js'))) {
      throw new Error('libs/license/dist is missing: run `npm run build` (npm test does it first)');
    }
  });

  describe('package.json of @liberty/license', () => {
    it('is an ESM package named @liberty/license with "." and "./testing" exports', () => {
      expect(manifest.name).toBe('@liberty/license');
      expect(manifest.type).toBe('module');
      expect(entries.map(([subpath]) => subpath)).toEqual(
        expect.arrayContaining(['.', './testing', './terminus', './prometheus']),
      );
    });

    it("typesVersions maps every subpath export to the same declarations (for TypeScript's older node10 resolution)", () => {
      const expected = Object.fromEntries(
        entries.filter(([subpath]) => subpath !== '.').map(([subpath, target]) => [subpath.slice(2), [target.types]]),
      );
      expect(manifest.typesVersions).toEqual({ '*': expected });
    });

    it('the optional integrations are optional peer dependencies', () => {
      for (const name of ['@nestjs/websockets', '@nestjs/microservices', '@nestjs/terminus', 'prom-client']) {
        expect(manifest.peerDependencies?.[name]).toBeDefined();
        expect(manifest.peerDependenciesMeta?.[name]).toEqual({ optional: true });
      }
    });

    it.each(entries)('exports[%j] has types and default, in that order, and both files exist', (_subpath, target) => {
      // `types` must come first: resolvers pick the first condition that matches.
      expect(Object.keys(target)).toEqual(['types', 'default']);
      expect(target.types).toMatch(/^\.\/dist\/.+\.d\.ts$/);
      expect(target.default).toMatch(/^\.\/dist\/.+\.js$/);
      expect(existsSync(join(PACKAGE_DIR, target.types))).toBe(true);
      expect(existsSync(join(PACKAGE_DIR, target.default))).toBe(true);
    });

    it('main and types (for older resolvers) point at the root entry', () => {
      const root = manifest.exports['.'] as { types: string; default: string };
      expect(manifest.main).toBe(root.default);
      expect(manifest.types).toBe(root.types);
    });
  });

  describe('resolving the built package from a user project', () => {
    it("import('@liberty/license') gives the public API, which works", async () => {
      const out = await node([
        '--input-type=module',
        '-e',
        `const m = await import('@liberty/license');
       const v = await import('@liberty/license/verify');
       const r = await v.verifyLicenseToken('not a key', { keys: { byKid: new Map(), all: [] } });
       console.log(JSON.stringify({ module: typeof m.LicenseModule, service: typeof m.LicenseService, guard: typeof m.LicenseGuard,
         decorator: typeof m.RequiresLicense, verifyAtRoot: typeof m.verifyLicenseToken, result: r }));`,
      ]);
      expect(JSON.parse(out)).toEqual({
        module: 'function',
        service: 'function',
        guard: 'function',
        decorator: 'function',
        verifyAtRoot: 'undefined', // Nest-free verification lives in '@liberty/license/verify'
        result: { status: 'rejected', reason: 'malformed' },
      });
    });

    it("import('@liberty/license/testing') gives the test kit, which issues keys", async () => {
      const out = await node([
        '--input-type=module',
        '-e',
        `const { LicenseTestKit } = await import('@liberty/license/testing');
       const kit = await LicenseTestKit.create(2048);
       const token = await kit.issue();
       console.log(JSON.stringify({ parts: token.split('.').length, publicKey: kit.publicKey.startsWith('-----BEGIN PUBLIC KEY-----') }));`,
      ]);
      expect(JSON.parse(out)).toEqual({ parts: 3, publicKey: true });
    });

    it("require('@liberty/license') works from CommonJS (Node ≥ 20.19 loads the ESM build)", async () => {
      const out = await node([
        '--input-type=commonjs',
        '-e',
        `const m = require('@liberty/license');
       const t = require('@liberty/license/testing');
       console.log(JSON.stringify({ module: typeof m.LicenseModule, kit: typeof t.LicenseTestKit }));`,
      ]);
      expect(JSON.parse(out)).toEqual({ module: 'function', kit: 'function' });
    });

    it('deep imports into dist are refused by the export map', async () => {
      await expect(
        node(['--input-type=module', '-e', `await import('@liberty/license/dist/index.js')`]),
      ).rejects.toMatchObject({
        stderr: expect.stringContaining('ERR_PACKAGE_PATH_NOT_EXPORTED'),
      });
    });

    it.each([
      ['import', ts.ModuleKind.ESNext],
      ['require', ts.ModuleKind.CommonJS],
    ] as const)('TypeScript (NodeNext) resolves the types for %s', (_mode, resolutionMode) => {
      const options: ts.CompilerOptions = {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
      };
      const containingFile = join(ROOT, 'consumer.ts');
      for (const [subpath, target] of entries) {
        const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
        const resolved = ts.resolveModuleName(
          specifier,
          containingFile,
          options,
          ts.sys,
          undefined,
          undefined,
          resolutionMode,
        );
        expect(resolved.resolvedModule?.resolvedFileName).toBe(join(PACKAGE_DIR, target.types));
        expect(resolved.resolvedModule?.extension).toBe('.d.ts');
      }
    });

    it('TypeScript (node10, no exports support) resolves every subpath through typesVersions', () => {
      const options: ts.CompilerOptions = {
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
      };
      const containingFile = join(ROOT, 'consumer.ts');
      for (const [subpath, target] of entries) {
        const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
        const resolved = ts.resolveModuleName(specifier, containingFile, options, ts.sys);
        expect(resolved.resolvedModule?.resolvedFileName).toBe(join(PACKAGE_DIR, target.types));
      }
    });
  });
});
