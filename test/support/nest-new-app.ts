import { mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, unpackInto } from './packed-library.js';

// A user's app as `nest new` (CLI 12, ESM, Vitest) makes it, built against the `npm pack`ed
// library: what the doc snippets and examples/ are compiled and run in.

/** The tsconfig.json `nest new` writes for an ESM app under Nest 12. */
export const NEST12_TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    resolvePackageJsonExports: true,
    esModuleInterop: true,
    isolatedModules: true,
    declaration: true,
    removeComments: true,
    emitDecoratorMetadata: true,
    experimentalDecorators: true,
    allowSyntheticDefaultImports: true,
    target: 'ES2023',
    sourceMap: true,
    outDir: './dist',
    incremental: true,
    skipLibCheck: true,
    strictNullChecks: true,
    forceConsistentCasingInFileNames: true,
    noImplicitAny: false,
    strictBindCallApply: false,
    noFallthroughCasesInSwitch: false,
    types: ['vitest/globals', 'node'], // as nest new (CLI 12, Vitest) writes it
  },
};

/**
 * `<dir>/node_modules`: the ecosystem packages a user installs, linked from this repository, and
 * the library unpacked from `tarball` (never the workspace's copy).
 */
export async function installInto(dir: string, tarball: string): Promise<void> {
  const modules = join(dir, 'node_modules');
  await mkdir(modules, { recursive: true });
  for (const name of await readdir(join(ROOT, 'node_modules'))) {
    if (name === '@liberty' || name.startsWith('.') || name === 'liberty-sample') continue;
    await symlink(join(ROOT, 'node_modules', name), join(modules, name));
  }
  await unpackInto(tarball, modules);
}
