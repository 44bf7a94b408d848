import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { LIBRARY_DIR, ROOT, packLibrary, run, tarballFiles, tempDir, unpackInto } from '../support/packed-library.js';
import { compileProject } from '../support/shared-compiler.js';
import { specTimeout } from '../support/suite.js';

// The tarball `npm publish` would upload, checked as a user meets it: its contents and manifest,
// then installed with npm (from the tarball and the local npm cache only, outside the repository)
// into a fresh ESM app and a fresh CommonJS app, compiled with tsc under every module resolution
// a TypeScript user may have, and run. `npm test` builds libs/license/dist first.
//
// The five compilations run in this process (test/support/shared-compiler.ts: this repository's
// TypeScript, the version the apps would install; other packages' declaration files parsed once)
// and type-check the installed library's declarations under each resolution (skipLibCheck: false
// for them), not @types/node's or Nest's: a tsc process per mode checked those five times over.
//
// Rerun on Node 22 and 24 (scripts/test-node-majors.mjs sets LIBERTY_NODE_MAJOR_RERUN=1), the
// compilations emit without the type check, for the two ways Node loads the package (ESM import,
// CommonJS require): what tsc reports cannot depend on the Node that runs it, and the main run has
// checked all five modes. The install, the emit and the apps' runs are each major's.
specTimeout(600_000);

describe('packed-package', () => {
  const TYPE_CHECK = process.env.LIBERTY_NODE_MAJOR_RERUN !== '1';

  interface Manifest {
    name: string;
    scripts?: Record<string, string>;
    exports: Record<string, unknown>;
    typesVersions?: Record<string, Record<string, string[]>>;
    [key: string]: unknown;
  }

  let work: string;
  let tarball: string;
  let files: string[];
  let manifest: Manifest;
  let unpacked: string;

  beforeAll(async () => {
    work = await tempDir('liberty-packed-');
    tarball = await packLibrary(work);
    files = await tarballFiles(tarball);
    unpacked = await unpackInto(tarball, join(work, 'unpacked'));
    manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Manifest;
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  describe('the tarball', () => {
    it('ships README, LICENSE, CHANGELOG, the bin and the built entry points', () => {
      expect(files).toEqual(
        expect.arrayContaining([
          'package.json',
          'README.md',
          'LICENSE',
          'CHANGELOG.md',
          'bin/liberty-license.js',
          'dist/index.js',
          'dist/index.d.ts',
          'dist/testing/index.js',
        ]),
      );
    });

    it("ships none of the vendor's tools: keygen, issue and revoke live in @liberty/license-cli", () => {
      expect(files.filter((f) => /(keygen|issue|revoke)\.command\.|license-issuer/.test(f))).toEqual([]);
      expect(readFileSync(join(unpacked, 'dist/index.d.ts'), 'utf8')).not.toMatch(/signLicense|generateLicenseKeyPair/);
    });

    it('ships self-contained declarations: no reference to a design file users do not have; LicenseGuard documented', () => {
      const declarations = files.filter((f) => f.endsWith('.d.ts'));
      expect(declarations.filter((f) => /DESIGN/.test(readFileSync(join(unpacked, f), 'utf8')))).toEqual([]);
      expect(readFileSync(join(unpacked, 'dist/license.guard.d.ts'), 'utf8')).toMatch(
        /Enforces `@RequiresLicense\(\)`[\s\S]*?\*\/\s*export declare class LicenseGuard/,
      );
    });

    it('ships no sources, specs or build caches', () => {
      expect(files.filter((f) => /(^src\/|\.spec\.|\.tsbuildinfo$|\.ts$(?<!\.d\.ts$))/.test(f))).toEqual([]);
    });

    it('ships source maps only with their sources inlined (sourcesContent), never pointing at missing files', () => {
      const maps = files.filter((f) => f.endsWith('.map'));
      expect(maps.length).toBeGreaterThan(0);
      for (const map of maps) {
        const { sources, sourcesContent } = JSON.parse(readFileSync(join(unpacked, map), 'utf8')) as {
          sources: string[];
          sourcesContent?: unknown[];
        };
        expect({
          map,
          inlined: sourcesContent?.length === sources.length && sourcesContent.every((s) => typeof s === 'string'),
        }).toEqual({ map, inlined: true });
      }
    });
  });

  describe('the published manifest', () => {
    it('has no install-time scripts (no prepare: npm would warn on every install)', () => {
      const scripts = Object.keys(manifest.scripts ?? {});
      expect(scripts.filter((s) => /^(pre|post)?(install|prepare)$|^prepublish$/.test(s))).toEqual([]);
    });

    it('names its repository, homepage, bugs, keywords, license and side effects', () => {
      expect(manifest).toMatchObject({
        license: 'MIT',
        repository: { type: 'git', url: expect.stringMatching(/^git\+https:\/\//), directory: 'libs/license' },
        homepage: expect.stringMatching(/^https:\/\//),
        bugs: { url: expect.stringMatching(/^https:\/\//) },
        keywords: expect.arrayContaining(['nestjs', 'license']),
        sideEffects: false,
      });
    });

    it('maps every subpath export in typesVersions (moduleResolution node), to a shipped .d.ts', () => {
      const subpaths = Object.keys(manifest.exports)
        .filter((s) => s !== '.' && s !== './package.json')
        .map((s) => s.slice(2));
      expect(subpaths).toContain('testing');
      const mapped = manifest.typesVersions?.['*'] ?? {};
      expect(Object.keys(mapped).sort()).toEqual([...subpaths].sort());
      for (const subpath of subpaths) {
        const target = (manifest.exports[`./${subpath}`] as { types: string }).types;
        expect(mapped[subpath]).toEqual([target]);
        expect(files).toContain(target.slice(2));
      }
    });

    it('is the workspace manifest, less nothing a user needs', () => {
      const source = JSON.parse(readFileSync(join(LIBRARY_DIR, 'package.json'), 'utf8')) as Manifest;
      expect(manifest.exports).toEqual(source.exports);
      expect(manifest.name).toBe('@liberty/license');
    });
  });

  /** Where the apps' declaration files of the library are (the ones the compilations check). */
  const INSTALLED_LIBRARY = '/node_modules/@liberty/license/';

  describe('installed into fresh apps', () => {
    let apps: string;
    let installLog: string;

    beforeAll(async () => {
      apps = join(work, 'apps');
      await mkdir(apps, { recursive: true });
      const local = basename(tarball);
      await copyFile(tarball, join(apps, local));
      // The peers, optional ones included: the app imports every subpath's types, and a user who
      // imports `@liberty/license/prometheus` has installed prom-client.
      const peers = Object.keys(manifest.peerDependencies as Record<string, string>);
      const wanted = [
        ...new Set([
          ...peers,
          '@nestjs/common',
          '@nestjs/core',
          '@nestjs/config',
          'reflect-metadata',
          'rxjs',
          '@types/node',
        ]),
      ];
      const registry = (await run('npm', ['config', 'get', 'registry'])).stdout.trim().replace(/\/+$/, '');
      const { manifest: appManifest, lock } = freshAppLock(local, readFileSync(tarball), manifest, wanted, registry);
      await writeFile(join(apps, 'package.json'), JSON.stringify(appManifest, null, 2));
      await writeFile(join(apps, 'package-lock.json'), JSON.stringify(lock, null, 2));
      // --offline: the tarball and the local npm cache only (`npm ci` of this repository filled it);
      // the lock pins the same versions this repository tests with.
      const { stdout, stderr } = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=warn'], {
        cwd: apps,
        timeout: 540_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      installLog = stdout + stderr;
      await writeApp(join(apps, 'esm'), 'module', ESM_MAIN);
      await writeApp(join(apps, 'cjs'), 'commonjs', CJS_MAIN);
    });

    it('installs without npm warning about the package (no prepare script, no missing peers)', () => {
      expect(installLog).not.toMatch(/prepare|ERESOLVE|peer dep/i);
    });

    it('links the liberty-license command, which runs from the installed package: verify and inspect, nothing that signs', async () => {
      const { stdout } = await run(join(apps, 'node_modules/.bin/liberty-license'), ['--help'], {
        cwd: apps,
        timeout: 60_000,
      });
      expect(stdout).toMatch(/^\s+verify\s/m);
      expect(stdout).toMatch(/^\s+inspect\s/m);
      expect(stdout).not.toMatch(/^\s+(keygen|issue|revoke)\s/m);
      expect(stdout).toContain("keygen, issue, revoke: the vendor's signing tools, in @liberty/license-cli");
      const issue = await run(join(apps, 'node_modules/.bin/liberty-license'), ['issue', '--help'], {
        cwd: apps,
        timeout: 60_000,
      }).catch((e: { code: number; stderr: string }) => e);
      expect(issue).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('install it where you sign keys (npm i -D @liberty/license-cli)'),
      });
    });

    const modes: Array<[string, 'esm' | 'cjs', Record<string, string>]> = [
      ['ESM, nodenext', 'esm', { module: 'nodenext', moduleResolution: 'nodenext' }],
      ['ESM, node16', 'esm', { module: 'node16', moduleResolution: 'node16' }],
      ['ESM, bundler', 'esm', { module: 'esnext', moduleResolution: 'bundler' }],
      ['CommonJS, node (node10)', 'cjs', { module: 'commonjs', moduleResolution: 'node' }],
      ['CommonJS, nodenext', 'cjs', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ];

    // On the other majors, one mode per way Node loads the installed package at run time — an ESM
    // `import` and a CommonJS `require()` (the first of each above): the five modes emit only these
    // two, and what tsc resolves does not depend on the Node that runs it (the main run compiles all five).
    const runtimeModes = (['esm', 'cjs'] as const).map((kind) => modes.find(([, app]) => app === kind)!);

    it.each(TYPE_CHECK ? modes : runtimeModes)(
      '%s: tsc resolves every entry point (types included) and the app runs',
      async (label, kind, options) => {
        const dir = join(apps, kind);
        const outDir = `dist-${label.replace(/[^a-z0-9]+/gi, '-')}`;
        const config = {
          compilerOptions: {
            ...options,
            target: 'ES2022',
            strict: true,
            esModuleInterop: true,
            experimentalDecorators: true,
            emitDecoratorMetadata: true,
            isolatedModules: true,
            skipLibCheck: false,
            types: ['node'],
            outDir,
          },
          include: ['src'],
        };
        const tsconfig = `tsconfig.${outDir}.json`;
        await writeFile(join(dir, tsconfig), JSON.stringify(config, null, 2));
        try {
          compileProject(
            join(dir, tsconfig),
            {},
            { checkDeclarations: (file) => file.includes(INSTALLED_LIBRARY), typeCheck: TYPE_CHECK },
          );
        } catch (error) {
          throw new Error(`tsc (${label}) failed:\n${(error as Error).message}`, { cause: error });
        }
        const { stdout } = await run(process.execPath, [join(outDir, 'main.js')], { cwd: dir, timeout: 120_000 });
        const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
          sap: boolean;
          snowflake: boolean;
          features: string[];
        };
        expect(result).toEqual({ sap: true, snowflake: false, features: ['ai:anthropic', 'connector:sap'] });
      },
    );

    (TYPE_CHECK ? it : it.skip)(
      "the compilations check the library's declaration files, and leave other packages' to their authors",
      async () => {
        // Two installed packages whose declarations name a type that does not exist: only the library's fails.
        const dir = join(apps, 'broken-declarations');
        const broken = 'export declare function status(): MissingType;\n';
        for (const name of ['@liberty/license', 'other-package']) {
          await mkdir(join(dir, 'node_modules', name), { recursive: true });
          await writeFile(
            join(dir, 'node_modules', name, 'package.json'),
            JSON.stringify({ name, types: 'index.d.ts' }),
          );
          await writeFile(join(dir, 'node_modules', name, 'index.d.ts'), broken);
        }
        await mkdir(join(dir, 'src'), { recursive: true });
        const compile = async (imports: string) => {
          await writeFile(join(dir, 'src/main.ts'), `${imports}\n`);
          const config = {
            compilerOptions: { module: 'nodenext', strict: true, noEmit: true, types: [] },
            include: ['src'],
          };
          await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(config));
          return () =>
            compileProject(join(dir, 'tsconfig.json'), {}, { checkDeclarations: (f) => f.includes(INSTALLED_LIBRARY) });
        };
        expect(await compile("export type { status } from 'other-package';")).not.toThrow();
        expect(await compile("export type { status } from '@liberty/license';")).toThrow(
          /node_modules\/@liberty\/license\/index\.d\.ts.*Cannot find name 'MissingType'/,
        );
      },
    );

    async function writeApp(dir: string, type: 'module' | 'commonjs', main: string) {
      await mkdir(join(dir, 'src'), { recursive: true });
      await writeFile(
        join(dir, 'package.json'),
        JSON.stringify({ name: `fresh-${type}`, private: true, type }, null, 2),
      );
      const subpaths = Object.keys(manifest.exports).filter((s) => s !== '.' && s !== './package.json');
      // Every subpath's types must resolve; `import type` keeps optional peers from loading at run time.
      const typeImports = subpaths
        .map((s, i) => `import type * as subpath${i} from '@liberty/license/${s.slice(2)}';`)
        .join('\n');
      const use = `export type Subpaths = [${subpaths.map((_, i) => `typeof subpath${i}`).join(', ')}];`;
      await writeFile(join(dir, 'src/main.ts'), `${typeImports}\n${use}\n${main}`);
    }
  });

  const APP_BODY = `
  const kit = await LicenseTestKit.create();
  @Module({ imports: [await kit.module({ claims: { features: { connectors: ['sap'] } } })] })
  class AppModule {}
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  const license = app.get(LicenseService);
  const state: LicenseState = license.state;
  const json = JSON.parse(JSON.stringify(state)) as { entitlements: { features: string[] } };
  console.log(JSON.stringify({
    sap: license.isLicensed('connector:sap'),
    snowflake: license.isLicensed('connector:snowflake'),
    features: json.entitlements.features,
  }));
  await app.close();
`;

  const IMPORTS = `import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LicenseService, type LicenseState } from '@liberty/license';
import { LicenseTestKit } from '@liberty/license/testing';
`;

  const ESM_MAIN = `${IMPORTS}${APP_BODY}`;
  // CommonJS output has no top-level await: the same app inside a function.
  const CJS_MAIN = `${IMPORTS}
async function main() {${APP_BODY}}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

  type LockEntry = {
    version?: string;
    integrity?: string;
    link?: boolean;
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    [key: string]: unknown;
  };

  /**
   * package.json and package-lock.json of a fresh app depending on the tarball and `wanted`, with the
   * versions this repository's lock pins (so `npm ci --offline` installs from the npm cache alone).
   */
  function freshAppLock(
    tarballName: string,
    tarballBytes: Buffer,
    library: Manifest,
    wanted: string[],
    registry: string,
  ) {
    const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockEntry>;
    };
    const packages: Record<string, LockEntry> = {};
    const resolveFrom = (from: string, name: string): string | undefined => {
      for (let base = from; ;) {
        const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
        if (repoLock.packages[candidate] && !repoLock.packages[candidate].link) return candidate;
        if (!base) return undefined;
        const cut = base.lastIndexOf('/node_modules/');
        base = cut > 0 ? base.slice(0, cut) : '';
      }
    };
    const add = (from: string, name: string, optional: boolean) => {
      const path = resolveFrom(from, name);
      if (!path) {
        if (optional) return;
        throw new Error(`${name} (needed by ${from || 'the app'}) is not in this repository's package-lock.json`);
      }
      if (packages[path]) return;
      const { dev, devOptional, peer, ...entry } = repoLock.packages[path];
      // This repository's lock omits registry URLs (omit-lockfile-registry-resolved); with `resolved`
      // and `integrity`, npm ci takes the tarball from the cache by its digest, no metadata needed.
      const packageName = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      entry.resolved ??= `${registry}/${packageName}/-/${packageName.split('/').at(-1)}-${entry.version}.tgz`;
      packages[path] = entry;
      for (const dep of Object.keys(entry.dependencies ?? {})) add(path, dep, false);
      for (const dep of Object.keys(entry.optionalDependencies ?? {})) add(path, dep, true);
      for (const dep of Object.keys(entry.peerDependencies ?? {})) {
        if (!entry.peerDependenciesMeta?.[dep]?.optional) add(path, dep, false);
      }
    };
    const dependencies: Record<string, string> = { '@liberty/license': `file:${tarballName}` };
    for (const name of wanted) {
      add('', name, false);
      dependencies[name] = packages[`node_modules/${name}`].version!;
    }
    const libraryDeps = library.dependencies as Record<string, string>;
    for (const name of Object.keys(libraryDeps)) add('', name, false);
    packages['node_modules/@liberty/license'] = {
      version: library.version as string,
      resolved: `file:${tarballName}`,
      integrity: `sha512-${createHash('sha512').update(tarballBytes).digest('base64')}`,
      license: library.license,
      dependencies: libraryDeps,
      bin: library.bin,
      engines: library.engines,
      peerDependencies: library.peerDependencies as Record<string, string>,
      peerDependenciesMeta: library.peerDependenciesMeta as Record<string, { optional?: boolean }>,
    };
    const manifest = { name: 'fresh-apps', version: '1.0.0', private: true, dependencies };
    const lock = {
      name: 'fresh-apps',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'fresh-apps', version: '1.0.0', dependencies }, ...packages },
    };
    return { manifest, lock };
  }
});
