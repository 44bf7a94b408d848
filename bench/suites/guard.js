// The guard's own cost, in process: LicenseGuard.canActivate against a guard that returns true,
// on a real ExecutionContext (Nest's ExecutionContextHost with the HTTP arguments of a request).
//   * bare:  canActivate on one prebuilt context (the guard's work alone, a few ns);
//   * step:  Nest's per-request guard step, GuardsConsumer.tryActivate, which creates the context
//            and awaits the guards (what a request pays for its guards).
// Variants are interleaved in rotating order; each figure is ns per call (median of rounds).
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { GuardsConsumer } from '@nestjs/core/guards/guards-consumer.js';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { LicenseGuard, LicenseService, RequiresLicense } from '@liberty/license';
import { licenseModule, option, useKey } from '../lib/license-fixture.js';
import { elapsedNs, rotate, summarize } from '../lib/stats.js';
import { reply } from '../lib/child.js';

const rounds = option('rounds', 21);
const ops = option('ops', 1_000_000);
const stepOps = option('stepOps', 200_000);

class SapController {
  tables() {
    return [];
  }
}
Controller('connectors/sap')(SapController);
const descriptor = Object.getOwnPropertyDescriptor(SapController.prototype, 'tables');
Get('tables')(SapController.prototype, 'tables', descriptor);
RequiresLicense('connector:sap')(SapController.prototype, 'tables', descriptor);

class NoopGuard {
  canActivate() {
    return true;
  }
}
Injectable()(NoopGuard);

useKey('A');
class BenchModule {}
Module({ imports: [licenseModule()], controllers: [SapController] })(BenchModule);
const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
const license = app.get(LicenseService);
if (!license.isLicensed('connector:sap')) throw new Error('bench license does not grant connector:sap');
const licenseGuard = new LicenseGuard(app.get(Reflector), license);
const noopGuard = new NoopGuard();

const request = { method: 'GET', url: '/connectors/sap/tables', headers: {}, params: {} };
const args = [request, {}, () => undefined];
const handler = SapController.prototype.tables;
const context = new ExecutionContextHost(args, SapController, handler);
context.setType('http');
const consumer = new GuardsConsumer();

// One loop per variant so each call site stays monomorphic.
function bareNoop(n) {
  let passed = 0;
  for (let i = 0; i < n; i++) if (noopGuard.canActivate(context) === true) passed++;
  return passed;
}
function bareLicense(n) {
  let passed = 0;
  for (let i = 0; i < n; i++) if (licenseGuard.canActivate(context) === true) passed++;
  return passed;
}
const noopList = [noopGuard];
// tryActivate reads the class from `instance.constructor`: pass an instance of the controller.
const controller = new SapController();
const licenseList = [licenseGuard];
async function stepLicense(n) {
  let passed = 0;
  for (let i = 0; i < n; i++) if (await consumer.tryActivate(licenseList, args, controller, handler, 'http')) passed++;
  return passed;
}
async function stepNoop(n) {
  let passed = 0;
  for (let i = 0; i < n; i++) if (await consumer.tryActivate(noopList, args, controller, handler, 'http')) passed++;
  return passed;
}

const variants = {
  bareNoopGuardNs: [bareNoop, ops],
  bareLicenseGuardNs: [bareLicense, ops],
  stepNoopGuardNs: [stepNoop, stepOps],
  stepLicenseGuardNs: [stepLicense, stepOps],
};

for (let warm = 0; warm < 3; warm++) for (const [run, n] of Object.values(variants)) await run(Math.min(n, 100_000));
const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const name of rotate(Object.keys(variants), round)) {
    const [run, n] = variants[name];
    const start = process.hrtime.bigint();
    const passed = await run(n);
    samples[name].push(elapsedNs(start) / n);
    if (passed !== n) throw new Error(`${name}: ${passed} of ${n} calls passed`);
  }
}

await app.close();
reply(Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summarize(values)])));
