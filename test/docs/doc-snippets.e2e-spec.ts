import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LicenseTestKit } from '@liberty/license/testing';
import { ROOT, packLibrary, run, tempDir } from '../support/packed-library.js';
import { installInto, NEST12_TSCONFIG } from '../support/nest-new-app.js';
import { AppProcess } from '../support/apps.js';
import { until } from '../support/poll.js';
import { listenOnFreePort } from '../support/ports.js';
import { compileProject } from '../support/shared-compiler.js';
import { buildable, documentationFiles, extractSnippets, placement, snippetsOf, type Snippet } from './snippets.js';
import { specTimeout } from '../support/suite.js';

// Every complete code block of README.md, libs/license/README.md and docs/**/*.md is built in a
// fresh app against the `npm pack`ed library, with the tsconfig `nest new` generates for Nest 12
// (ESM, isolatedModules, emitDecoratorMetadata), and run where it can run: the README's app is
// started over real HTTP, its test runs under Vitest and under Jest. A snippet can't rot silently.
// The app's node_modules holds the unpacked tarball plus links to this repository's other
// packages (the ecosystem a user installs); test/package/ checks a real `npm install`.
specTimeout(300_000);

describe('doc-snippets', () => {
  /** What `nest new` writes for a CommonJS app (module commonjs, classic node resolution + typesVersions). */
  const NEST12_CJS_TSCONFIG = {
    compilerOptions: {
      module: 'commonjs',
      declaration: true,
      removeComments: true,
      emitDecoratorMetadata: true,
      experimentalDecorators: true,
      allowSyntheticDefaultImports: true,
      esModuleInterop: true,
      target: 'ES2023',
      sourceMap: true,
      outDir: './dist',
      baseUrl: './',
      incremental: true,
      skipLibCheck: true,
      strictNullChecks: true,
      forceConsistentCasingInFileNames: true,
      types: ['vitest/globals', 'node'],
    },
  };
  const COMMONJS_DOC = 'docs/commonjs.md';
  const NEST12_TSCONFIG_BUILD = {
    extends: './tsconfig.json',
    exclude: ['node_modules', 'test', 'dist', '**/*spec.ts', 'vitest.config.ts'],
  };

  const docs = documentationFiles(ROOT)
    .map((doc) => [doc, buildable(snippetsOf(ROOT, doc))] as const)
    .filter(([, snippets]) => snippets.length > 0);

  let work: string;
  let tarball: string;
  let kit: LicenseTestKit;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'libs/license/dist/index.js')))
      throw new Error('run `npm run build` first (npm test does)');
    work = await tempDir('liberty-snippets-');
    [tarball, kit] = await Promise.all([packLibrary(work), LicenseTestKit.create()]);
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('finds the README app among the snippets', () => {
    const readme = docs.find(([doc]) => doc === 'README.md')?.[1].map(placement) ?? [];
    expect(readme).toEqual(
      expect.arrayContaining([
        'src/app.module.ts',
        'src/main.ts',
        'vitest.config.ts',
        'jest.config.js',
        'nest-cli.json',
      ]),
    );
  });

  describe('snippet extraction', () => {
    const md = [
      '```ts file=src/a.ts',
      'export const a = 1;',
      '```',
      '```ts fragment',
      'this.license.state;',
      '```',
      '```ts',
      'export const b = 2;',
      '```',
      '* a list item:',
      '',
      '  ```ts',
      '  export const c = 3;',
      '  ```',
      '```sh',
      'npm test',
      '```',
      '```json file=nest-cli.json',
      '{}',
      '```',
    ].join('\n');

    it('keeps complete ts blocks and blocks placed with file=, skips fragments and other languages', () => {
      const found = buildable(extractSnippets(md, 'x.md'));
      expect(found.map((s) => [placement(s), s.code])).toEqual([
        ['src/a.ts', 'export const a = 1;\n'],
        ['src/snippet-7.ts', 'export const b = 2;\n'],
        ['src/snippet-12.ts', 'export const c = 3;\n'],
        ['nest-cli.json', '{}\n'],
      ]);
    });

    it('refuses a block that is never closed', () => {
      expect(() => extractSnippets('```ts\nconst a = 1;\n', 'x.md')).toThrow('x.md:1: code block never closed');
    });

    it("catches what the issue found: an event type imported as a value does not compile under Nest 12's tsconfig (TS1272)", async () => {
      const broken: Snippet = {
        doc: 'broken.md',
        line: 1,
        lang: 'ts',
        file: 'src/menu.ts',
        fragment: false,
        code: [
          "import { Injectable } from '@nestjs/common';",
          "import { OnLicenseEvent, LicenseChangedEvent } from '@liberty/license';",
          '@Injectable()',
          'export class Menu {',
          "  @OnLicenseEvent('license.changed')",
          '  onChanged(event: LicenseChangedEvent) { return event.granted; }',
          '}',
          '',
        ].join('\n'),
      };
      const dir = await makeProject('broken.md', [broken]);
      expect(() => tsc(dir, 'tsconfig.json', { noEmit: true })).toThrow(/TS1272/);
    });
  });

  describe.each(docs)('%s', (doc, snippets) => {
    let dir: string;
    const placed = new Map(snippets.map((s) => [placement(s), s] as const));
    const has = (path: string) => placed.has(path);

    beforeAll(async () => {
      dir = await makeProject(doc, snippets);
    });

    it('places every snippet at its own path', () => {
      expect(placed.size).toBe(snippets.length);
    });

    it(`type-checks and builds with Nest 12's tsconfig: ${snippets.map(describeSnippet).join(', ')}`, () => {
      tsc(dir, 'tsconfig.json', { noEmit: true });
      tsc(dir, 'tsconfig.build.json');
      applyNestAssets(dir, placed.get('nest-cli.json'));
    });

    if (has('src/main.ts')) {
      it('starts: restricted without a key, unlocked with one, restricted (not crashed) without its public key', async () => {
        const sap = has('src/sap.controller.ts');
        const locked = await startApp(dir, {});
        try {
          if (sap) {
            const res = await fetch(`${locked.url}/connectors/sap/tables`);
            expect(res.status).toBe(403);
            expect(await res.json()).toMatchObject({
              code: 'LICENSE_REQUIRED',
              feature: 'connector:sap',
              licenseStatus: 'not-configured',
            });
          }
        } finally {
          await locked.stop();
        }
        if (!sap) return;

        const key = await kit.issue({ claims: { customer: 'Acme Corp', features: { connectors: ['sap'] } } });
        const open = await startApp(dir, { LIBERTY_LICENSE_KEY: key });
        try {
          const tables = await fetch(`${open.url}/connectors/sap/tables`);
          expect(tables.status).toBe(200);
          expect(await tables.json()).toEqual(['KNA1', 'VBAK']);
          const summary = await fetch(`${open.url}/connectors/sap/ai-summary`); // ai:anthropic: the kit's default
          expect(summary.status).toBe(200);
          expect(await summary.json()).toMatchObject({ customer: 'Acme Corp' });
          expect(open.output()).toContain('license accepted');
        } finally {
          await open.stop();
        }
        expect(open.output()).not.toContain(key);

        // The PEM did not reach dist/: a clear reason and restricted mode, not an ENOENT crash.
        await rm(join(dir, 'dist/vendor-public.pem'), { force: true });
        const noPem = await startApp(dir, { LIBERTY_LICENSE_KEY: key });
        try {
          expect((await fetch(`${noPem.url}/connectors/sap/tables`)).status).toBe(403);
          expect(noPem.output()).toContain('public key unavailable');
        } finally {
          await noPem.stop();
        }
        applyNestAssets(dir, placed.get('nest-cli.json'));
      });
    } else if (has('src/app.module.ts')) {
      it('boots its AppModule (NestFactory.createApplicationContext) and closes', async () => {
        const pem = join(dir, 'src/vendor-public.pem');
        await writeFile(join(dir, 'boot.mjs'), BOOT);
        const { stdout } = await run(process.execPath, ['boot.mjs'], {
          cwd: dir,
          timeout: 60_000,
          env: cleanEnv({ LICENSE_PUBLIC_KEY_PATH: pem, LIBERTY_PUBLIC_KEY_PATH: pem }),
        });
        expect(stdout).toContain('BOOTED');
      });
    }

    if (has('vitest.config.ts')) {
      it('its tests pass under Vitest', async () => {
        const out = await runTool(dir, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run']);
        expect(out).toMatch(/Tests\s+\d+ passed/);
        expect(out).not.toMatch(/failed/i);
        // nest new's generated specs still pass once the README is applied (globals kept, AppController kept).
        if (doc === 'README.md') expect(out).toMatch(/app\.e2e-spec\.ts/);
      });
    }

    if (has('jest.config.js')) {
      it('its tests pass under Jest (ESM), importing from @jest/globals', async () => {
        for (const [path] of placed) {
          if (!/\.(e2e-)?spec\.ts$/.test(path)) continue;
          const file = join(dir, path);
          const source = readFileSync(file, 'utf8');
          expect(source).toContain("from 'vitest'");
          await writeFile(file, source.replace("from 'vitest'", "from '@jest/globals'"));
        }
        // nest new's own specs use the globals (describe, it, expect), which Jest injects too.
        const out = await runTool(
          dir,
          ['--experimental-vm-modules', join(ROOT, 'node_modules/jest/bin/jest.js'), '--ci'],
          true,
        );
        expect(out).toMatch(/Tests:\s+\d+ passed, \d+ total/);
      });
    }
  });

  function describeSnippet(s: Snippet): string {
    return `${placement(s)} (line ${s.line})`;
  }

  async function makeProject(doc: string, snippets: Snippet[]): Promise<string> {
    const dir = join(work, doc.replace(/[^A-Za-z0-9]+/g, '-'));
    await installInto(dir, tarball);
    // docs/commonjs.md is built as `nest new` builds a CommonJS app; every other doc as an ESM app.
    const commonjs = doc === COMMONJS_DOC;
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'snippet-app', private: true, ...(commonjs ? {} : { type: 'module' }) }, null, 2),
    );
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify(commonjs ? NEST12_CJS_TSCONFIG : NEST12_TSCONFIG, null, 2),
    );
    await writeFile(join(dir, 'tsconfig.build.json'), JSON.stringify(NEST12_TSCONFIG_BUILD, null, 2));
    // The README is followed in an app `nest new` made: its own files are there first, and must keep working.
    if (doc === 'README.md') {
      for (const [path, code] of Object.entries(NEST_NEW_FILES)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), code);
      }
    }
    for (const snippet of snippets) {
      const file = join(dir, placement(snippet));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, snippet.code);
    }
    // The vendor's public key, where the snippets say it lives.
    if (snippets.some((s) => s.code.includes('vendor-public.pem')))
      await writeFile(join(dir, 'src/vendor-public.pem'), kit.publicKey);
    return dir;
  }

  /**
   * `tsc -p <config>` of the app, run in this process with the declaration files of node_modules
   * parsed once for every app (see test/support/shared-compiler.ts), instead of a tsc process per app and pass.
   */
  function tsc(dir: string, config: string, options: { noEmit?: boolean } = {}): void {
    try {
      compileProject(join(dir, config), options);
    } catch (error) {
      throw new Error(
        `tsc -p ${config}${options.noEmit ? ' --noEmit' : ''} failed in ${dir}:\n${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** What `nest build` does with nest-cli.json `compilerOptions.assets` (literal file names). */
  function applyNestAssets(dir: string, nestCli: Snippet | undefined): void {
    if (!nestCli) return;
    const config = JSON.parse(nestCli.code) as {
      sourceRoot?: string;
      compilerOptions?: { assets?: Array<string | { include: string; outDir?: string }> };
    };
    for (const asset of config.compilerOptions?.assets ?? []) {
      const { include, outDir = 'dist' } = typeof asset === 'string' ? { include: asset } : asset;
      const from = join(dir, config.sourceRoot ?? 'src', include);
      expect(existsSync(from)).toBe(true);
      copyFileSync(from, join(dir, outDir, include));
    }
  }

  function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
    // Nothing of the developer's environment leaks in (no LIBERTY_* variables), only what a shell has.
    return { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', CI: 'true', ...extra };
  }

  async function runTool(dir: string, args: string[], stderrToo = false): Promise<string> {
    try {
      const { stdout, stderr } = await run(process.execPath, args, {
        cwd: dir,
        timeout: 240_000,
        env: cleanEnv({}),
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout + (stderrToo ? stderr : '');
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`${args.join(' ')} failed in ${dir}:\n${stdout}${stderr}`, { cause: error });
    }
  }

  interface RunningApp {
    url: string;
    output(): string;
    stop(): Promise<void>;
  }

  // The generated app listens on PORT and logs no URL: it cannot report a port-0 bind, so a port
  // another process took meanwhile (the app exits with EADDRINUSE) is tried again.
  const startApp = (dir: string, env: Record<string, string>): Promise<RunningApp> =>
    listenOnFreePort((port) => startAppOn(dir, env, port));

  async function startAppOn(dir: string, env: Record<string, string>, port: number): Promise<RunningApp> {
    const app = AppProcess.spawn('dist/main.js', cleanEnv({ ...env, PORT: String(port) }) as Record<string, string>, {
      cwd: dir,
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await until(
        'the app to listen',
        async () => {
          if (app.child.exitCode !== null) throw new Error(`the app exited (${app.child.exitCode}):\n${app.output}`);
          return fetch(`${url}/`).then(
            () => true,
            () => false,
          );
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
    } catch (error) {
      await app.stop();
      throw error;
    }
    return { url, output: () => app.output, stop: () => app.stop() };
  }

  /**
   * What `nest new` (CLI 12, ESM, Vitest) leaves in a fresh app besides main.ts and app.module.ts: a
   * Hello-World controller and service, and specs written against Vitest's globals.
   */
  const NEST_NEW_FILES: Record<string, string> = {
    'src/app.service.ts': `import { Injectable } from '@nestjs/common';

@Injectable()
export class AppService {
  getHello(): string {
    return 'Hello World!';
  }
}
`,
    'src/app.controller.ts': `import { Controller, Get } from '@nestjs/common';
import { AppService } from './app.service.js';

@Controller()
export class AppController {
  constructor(private readonly appService: AppService) {}

  @Get()
  getHello(): string {
    return this.appService.getHello();
  }
}
`,
    'src/app.controller.spec.ts': `import { Test, TestingModule } from '@nestjs/testing';
import { AppController } from './app.controller.js';
import { AppService } from './app.service.js';

describe('AppController', () => {
  let appController: AppController;

  beforeEach(async () => {
    const app: TestingModule = await Test.createTestingModule({ controllers: [AppController], providers: [AppService] }).compile();
    appController = app.get<AppController>(AppController);
  });

  it('returns "Hello World!"', () => {
    expect(appController.getHello()).toBe('Hello World!');
  });
});
`,
    'test/app.e2e-spec.ts': `import { Test, TestingModule } from '@nestjs/testing';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AppModule } from './../src/app.module.js';

describe('AppController (e2e)', () => {
  let app: INestApplication;

  beforeEach(async () => {
    const moduleFixture: TestingModule = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleFixture.createNestApplication();
    await app.init();
  });

  afterEach(() => app.close());

  it('/ (GET)', () => request(app.getHttpServer()).get('/').expect(200).expect('Hello World!'));
});
`,
  };

  const BOOT = `import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './dist/app.module.js';
const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
await app.close();
console.log('BOOTED');
`;
});
