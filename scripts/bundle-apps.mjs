#!/usr/bin/env node
// `npm run build`'s last step: each app — the sample and the satellite — bundled into one file,
// apps/<app>/dist/main.bundle.js, from the modules tsc has just written beside it. That file is what
// `npm start`, the operators' commands in the docs and the tests run. Why: Node 20 spends most of
// a start in its ESM loader, one module file at a time (the sample loads 1 844: kysely,
// @nestjs/graphql, es-toolkit, …); from one file the sample starts on half the CPU
// (docs/decisions.md, "The apps run bundled"). tsc's modules stay: `node apps/<app>/dist/main.js`
// runs the same app unbundled, and the benchmarks import single modules from dist/.
//
// Everything reachable is bundled, the dependencies too, except
//   * better-sqlite3: its native addon is found through the package's own path at run time;
//   * redis: optional — the sample loads it only with REDIS_URL, and an install without it says
//     what to add (test/replicas/without-redis); bundled, it would always be there;
//   * packages that are not installed (Nest's optional transports and drivers: Kafka, MQTT, the
//     Apollo gateway, …): their import() stays as it is and fails at run time exactly as it does
//     unbundled — rolldown reports them as UNRESOLVED_IMPORT, which is expected here.
// A bundle newer than every input (the app's and the library's dist/, package-lock.json, this
// script) is kept.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
const APPS = ['apps/sample', 'apps/satellite'];
const BUNDLE = 'dist/main.bundle.js';

for (const app of APPS) {
  const input = join(ROOT, app, 'dist/main.js');
  const output = join(ROOT, app, BUNDLE);
  if (!existsSync(input)) fail(`${relative(ROOT, input)} is missing: tsc has not built ${app}`);
  const inputs = [join(ROOT, app, 'dist'), join(ROOT, 'libs/license/dist'), join(ROOT, 'package-lock.json'), SELF];
  if (upToDate(output, inputs)) continue;
  const unexpected = [];
  await build({
    input,
    platform: 'node',
    cwd: ROOT,
    external: ['better-sqlite3', 'redis'],
    // One file (dynamic imports inlined too); class names kept: Nest, GraphQL and the apps read them
    // (type names, log contexts, error names).
    output: { file: output, format: 'esm', keepNames: true, codeSplitting: false },
    onLog(level, log) {
      if (level === 'warn' && log.code === 'UNRESOLVED_IMPORT') return;
      unexpected.push(`${level}: ${log.message}`);
    },
  });
  if (unexpected.length > 0) fail(`bundling ${app}:\n${unexpected.join('\n')}`);
  console.log(`[bundle] ${relative(ROOT, output)}`);
}

/** True when `output` exists and is newer than every file under `inputs` (itself excepted). */
function upToDate(output, inputs) {
  if (!existsSync(output)) return false;
  const built = statSync(output).mtimeMs;
  const newer = (path) => {
    if (path === output) return false;
    const stat = statSync(path);
    if (!stat.isDirectory()) return stat.mtimeMs > built;
    return readdirSync(path).some((name) => newer(join(path, name)));
  };
  return !inputs.some((path) => existsSync(path) && newer(path));
}

function fail(message) {
  console.error(`[bundle] ${message}`);
  process.exit(1);
}
