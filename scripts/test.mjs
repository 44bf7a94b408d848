#!/usr/bin/env node
// `npm test` after provisioning and the build: the main Jest run (every project, two suites at a
// time) and, beside it, the library's reruns on the other Node majors (scripts/test-node-majors.mjs,
// one suite at a time). The main run leaves about a third of two cores idle while its suites wait
// on apps, browsers and servers; the reruns fill that instead of adding their minutes after it.
// Jest's output streams as usual; the reruns' output is held and printed after it, in one piece.
// The exit code is 0 only when both passed.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const JEST = ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--forceExit', '--maxWorkers=2'];

const jest = spawn(process.execPath, [...JEST, ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
const majors = spawn(process.execPath, ['scripts/test-node-majors.mjs'], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { LIBERTY_NODE_MAJORS_WORKERS: '1', ...process.env },
});
const held = [];
majors.stdout.on('data', (chunk) => held.push(chunk));
majors.stderr.on('data', (chunk) => held.push(chunk));

const [jestCode, majorsCode] = await Promise.all([exitCode(jest), exitCode(majors)]);
process.stdout.write(Buffer.concat(held));
console.log(`[test] Jest on ${process.version}: ${verdict(jestCode)}; the Node-major reruns: ${verdict(majorsCode)}`);
process.exit(jestCode === 0 && majorsCode === 0 ? 0 : 1);

function exitCode(child) {
  return new Promise((resolveCode) => {
    child.on('error', (error) => (console.error(error), resolveCode(1)));
    child.on('close', (code, signal) => resolveCode(code ?? signal));
  });
}

function verdict(code) {
  return code === 0 ? 'passed' : `FAILED (exit ${code})`;
}
