// HTTP servers for one adapter: one Nest app per variant, each GET /connectors/sap on 127.0.0.1,
// port 0. `npm run bench` starts one process per (adapter, variant) so variants never share a heap
// or a JIT; the smoke run puts the four variants of an adapter in one process to start faster.
//   unguarded         no guard
//   noopGuard         @UseGuards(NoopGuard), a guard that returns true
//   licenseGuard      @RequiresLicense('connector:sap') + @UseGuards(LicenseGuard)
//   perRequestVerify  @UseGuards(PerRequestVerifyGuard): a naive guard that runs jose jwtVerify on
//                     the key from the variable on every request
// Every variant imports LicenseModule (key A accepted), so the guard is the only difference.
// Reports { ports: { variant: port } } over IPC, answers { type: 'cpu' } with its CPU time, and
// serves until it receives { type: 'close' }.
import 'reflect-metadata';
import { createPublicKey } from 'node:crypto';
import { Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { jwtVerify } from 'jose';
import { LicenseGuard, LicenseService, RequiresLicense } from '@liberty/license';
import { AUDIENCE, ISSUER, fixture, licenseModule, useKey } from '../lib/license-fixture.js';

const [adapter, variantList = ''] = process.argv.slice(2);
const variants = variantList.split(',');

class NoopGuard {
  canActivate() {
    return true;
  }
}
Injectable()(NoopGuard);

const publicKey = createPublicKey(fixture().publicKey);
class PerRequestVerifyGuard {
  async canActivate() {
    await jwtVerify(process.env.LIBERTY_LICENSE_KEY ?? '', publicKey, {
      algorithms: ['RS256'],
      audience: AUDIENCE,
      issuer: ISSUER,
    });
    return true;
  }
}
Injectable()(PerRequestVerifyGuard);

const DECORATORS = {
  unguarded: () => [],
  noopGuard: () => [UseGuards(NoopGuard)],
  licenseGuard: () => [RequiresLicense('connector:sap'), UseGuards(LicenseGuard)],
  perRequestVerify: () => [UseGuards(PerRequestVerifyGuard)],
};
if (!['express', 'fastify'].includes(adapter) || !variants.every((variant) => variant in DECORATORS)) {
  throw new Error(`usage: server.js express|fastify unguarded,noopGuard,licenseGuard,perRequestVerify`);
}

/** The app of one variant: the same controller and route, only the guard differs. */
function appModule(variant) {
  class ConnectorController {
    sap() {
      return { id: 'sap', state: 'active' };
    }
  }
  const descriptor = Object.getOwnPropertyDescriptor(ConnectorController.prototype, 'sap');
  Reflect.decorate([Get('sap'), ...DECORATORS[variant]()], ConnectorController.prototype, 'sap', descriptor);
  Controller('connectors')(ConnectorController);
  class AppModule {}
  Module({
    imports: [licenseModule()],
    controllers: [ConnectorController],
    providers: [NoopGuard, PerRequestVerifyGuard],
  })(AppModule);
  return AppModule;
}

useKey('A');
const apps = [];
const ports = {};
for (const variant of variants) {
  const module = appModule(variant);
  const app =
    adapter === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(module, { logger: false });
  await app.listen(0, '127.0.0.1');
  const license = app.get(LicenseService).state;
  if (license.status !== 'accepted') throw new Error(`bench license ${license.status}: ${license.reason}`);
  apps.push(app);
  ports[variant] = app.getHttpServer().address().port;
}

process.on('message', async (message) => {
  if (message?.type === 'cpu') {
    // CPU time this process has used (µs): the orchestrator divides its growth by the requests served.
    const { user, system } = process.cpuUsage();
    process.send({ id: message.id, cpuUs: user + system });
    return;
  }
  if (message?.type !== 'close') return;
  for (const app of apps) await app.close();
  process.disconnect();
});
process.send({ ports });
