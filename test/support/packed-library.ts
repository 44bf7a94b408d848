import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// `npm pack` of libs/license, as a user downloads it: the tests that use it check the package,
// never the workspace (`npm test` builds libs/license/dist first).
export const run = promisify(execFile);
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const LIBRARY_DIR = join(ROOT, 'libs/license');

/** A temp dir outside the repository (so nothing resolves through the workspace's node_modules). */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Packs libs/license into `dest`; returns the tarball's path. Scripts are not run: the build is. */
export async function packLibrary(dest: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], {
    cwd: LIBRARY_DIR,
    timeout: 120_000,
  });
  const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
  return join(dest, filename);
}

/** Unpacks the tarball into `<nodeModules>/@liberty/license`. */
export async function unpackInto(tarball: string, nodeModules: string): Promise<string> {
  const scratch = await tempDir('liberty-unpack-');
  await run('tar', ['xzf', tarball, '-C', scratch]);
  const target = join(nodeModules, '@liberty/license');
  await mkdir(dirname(target), { recursive: true });
  await rm(target, { recursive: true, force: true });
  await rename(join(scratch, 'package'), target);
  await rm(scratch, { recursive: true, force: true });
  return target;
}

/** Every file path in the tarball, without the leading `package/`. */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['tzf', tarball], { maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
}

export async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path, base)));
    else out.push(path.slice(base.length + 1));
  }
  return out;
}
