// One bootstrap, in a fresh process: NestFactory.create() + app.init() of a minimal Express app
// with one controller, `without` or `with` LicenseModule (whose key is verified while the module is
// created). Loading modules is not part of the figure; loading @liberty/license is reported apart.
// `coldVerify` times only the first verification in a fresh process (public key parsed, jose,
// claims), with no Nest at all: the part of `with − without` that is cold code, not module wiring.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import '@nestjs/platform-express';
import { reply } from '../lib/child.js';
import { elapsedNs } from '../lib/stats.js';

const variant = process.argv[2];
if (!['without', 'with', 'coldVerify'].includes(variant))
  throw new Error('usage: bootstrap.js without|with|coldVerify');

let importMs = 0;
const imports = [];
if (variant !== 'without') {
  const start = process.hrtime.bigint();
  const { licenseModule, useKey } = await import('../lib/license-fixture.js');
  importMs = elapsedNs(start) / 1e6;
  useKey('A');
  imports.push(licenseModule());
}

if (variant === 'coldVerify') {
  const { loadPublicKeys, verifyLicenseToken } = await import('@liberty/license/verify');
  const { AUDIENCE, ISSUER, fixture } = await import('../lib/license-fixture.js');
  const start = process.hrtime.bigint();
  const keys = await loadPublicKeys({ publicKey: fixture().publicKey });
  if (!keys.ok) throw new Error(keys.why);
  const outcome = await verifyLicenseToken(fixture().keys.A, { keys: keys.keys, audience: AUDIENCE, issuer: ISSUER });
  const coldVerifyMs = elapsedNs(start) / 1e6;
  if (outcome.status !== 'accepted') throw new Error(`license ${outcome.status}`);
  reply({ coldVerifyMs });
} else {
  class HealthController {
    health() {
      return { status: 'ok' };
    }
  }
  Controller()(HealthController);
  const descriptor = Object.getOwnPropertyDescriptor(HealthController.prototype, 'health');
  Get('health')(HealthController.prototype, 'health', descriptor);

  class AppModule {}
  Module({ imports, controllers: [HealthController] })(AppModule);

  const start = process.hrtime.bigint();
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.init();
  const bootstrapMs = elapsedNs(start) / 1e6;

  if (variant === 'with') {
    const { LicenseService } = await import('@liberty/license');
    const status = app.get(LicenseService).state.status;
    if (status !== 'accepted') throw new Error(`license ${status}`);
  }
  await app.close();
  reply({ bootstrapMs, importMs });
}
