import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Injectable, Module, UseGuards, type INestApplication } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  LicenseConfigurationError,
  LicenseGuard,
  LicenseModule,
  LicenseService,
  RequiresLicense,
  type LicenseModuleOptions,
} from '@liberty/license';
import { LicenseTestKit } from '@liberty/license/testing';
import { CapturingLogger } from './support/capturing-logger.js';
import { ADAPTERS, listen } from './support/http.js';
import { uniqueVariable } from './support/mutable-environment.js';
import { specTimeout } from '../support/suite.js';

// RSA key generation and child processes are slow on a loaded 2-core CI machine; never a speed check.
specTimeout(30_000);

describe('module-async', () => {
  let kit: LicenseTestKit;
  let otherSigner: LicenseTestKit;
  let dir: string;
  const variables: string[] = [];

  beforeAll(async () => {
    [kit, otherSigner] = await Promise.all([LicenseTestKit.create(), LicenseTestKit.create()]);
    dir = await mkdtemp(join(tmpdir(), 'liberty-async-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => {
    for (const name of variables.splice(0)) delete process.env[name];
  });

  function variable(): string {
    const name = uniqueVariable('LL_ASYNC');
    variables.push(name);
    return name;
  }

  const compile = (imports: unknown[], extra: { controllers?: unknown[]; providers?: unknown[] } = {}) =>
    Test.createTestingModule({ imports: imports as never[], ...(extra as object) })
      .setLogger(new CapturingLogger())
      .compile();

  describe('LicenseModule.forRootAsync with ConfigModule', () => {
    it('builds its options from ConfigService and reads the key through it (config from `load`)', async () => {
      const token = await kit.issue({ claims: { aud: 'hub', iss: 'aidoo' } });
      const moduleRef = await compile([
        LicenseModule.forRootAsync({
          imports: [
            ConfigModule.forRoot({
              ignoreEnvFile: true,
              load: [
                () => ({
                  license: { audience: 'hub', issuer: 'aidoo', publicKey: kit.publicKey },
                  HUB_LICENSE_KEY: token,
                }),
              ],
            }),
          ],
          inject: [ConfigService],
          useFactory: (config: ConfigService): LicenseModuleOptions => ({
            audience: config.getOrThrow<string>('license.audience'),
            issuer: config.get<string>('license.issuer'),
            publicKey: config.get<string>('license.publicKey'),
            licenseKey: '${HUB_LICENSE_KEY}',
          }),
        }),
      ]);
      const license = moduleRef.get(LicenseService);
      expect(license.state).toMatchObject({ status: 'accepted', source: 'HUB_LICENSE_KEY' });
      await moduleRef.close();
    });

    it('an async factory may await', async () => {
      const name = variable();
      process.env[name] = await kit.issue();
      const moduleRef = await compile([
        LicenseModule.forRootAsync({
          useFactory: async () => {
            await new Promise((resolve) => setImmediate(resolve));
            return { audience: 'liberty', publicKey: kit.publicKey, licenseKey: `\${${name}}` };
          },
        }),
      ]);
      expect(moduleRef.get(LicenseService).state.status).toBe('accepted');
      await moduleRef.close();
    });

    it('reads the key from a .env file loaded by a global ConfigModule', async () => {
      const name = variable();
      const envFile = join(dir, `${name}.env`);
      await writeFile(envFile, `${name}=${await kit.issue({ claims: { customer: 'Dotenv Corp' } })}\n`, {
        mode: 0o600,
      });
      try {
        const moduleRef = await compile([
          ConfigModule.forRoot({ isGlobal: true, envFilePath: envFile }),
          LicenseModule.forRootAsync({
            inject: [ConfigService],
            useFactory: (config: ConfigService) => ({
              audience: 'liberty',
              publicKey: kit.publicKey,
              licenseKey: `\${${name}}`,
              enforcement: config.get('NOT_SET_ANYWHERE', 'restricted'),
            }),
          }),
        ]);
        expect(moduleRef.get(LicenseService).state).toMatchObject({
          status: 'accepted',
          claims: { customer: 'Dotenv Corp' },
        });
        await moduleRef.close();
      } finally {
        await rm(envFile, { force: true });
      }
    });

    it('takes an options class (useClass)', async () => {
      @Injectable()
      class LicenseOptionsFactory {
        create(): LicenseModuleOptions {
          return { audience: 'liberty', publicKey: kit.publicKey, licenseKey: '${LL_ASYNC_UNSET_FOREVER}' };
        }
      }
      const moduleRef = await compile([LicenseModule.forRootAsync({ useClass: LicenseOptionsFactory })]);
      expect(moduleRef.get(LicenseService).state.status).toBe('not-configured');
      await moduleRef.close();
    });

    it('bad options from the factory stop the start with a configuration error', async () => {
      const start = compile([
        LicenseModule.forRootAsync({
          imports: [
            ConfigModule.forRoot({
              ignoreEnvFile: true,
              load: [() => ({ LICENSE_REF: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' })],
            }),
          ],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            audience: 'liberty',
            licenseKey: config.get<string>('LICENSE_REF'),
          }),
        }),
      ]);
      await expect(start).rejects.toThrow(LicenseConfigurationError);
    });

    it('is global by default, and not with isGlobal: false', async () => {
      @Injectable()
      class Consumer {
        constructor(readonly license: LicenseService) {}
      }
      @Module({ providers: [Consumer], exports: [Consumer] })
      class FeatureModule {}

      const options = () => ({
        audience: 'liberty',
        publicKey: kit.publicKey,
        licenseKey: '${LL_ASYNC_UNSET_FOREVER}',
      });
      const global = await compile([LicenseModule.forRootAsync({ useFactory: options }), FeatureModule]);
      expect(global.get(Consumer).license).toBe(global.get(LicenseService));
      await global.close();

      await expect(
        compile([LicenseModule.forRootAsync({ useFactory: options, isGlobal: false }), FeatureModule]),
      ).rejects.toThrow(/LicenseService/);
    });
  });

  @Controller('connectors')
  class ConnectorController {
    @Get('sap')
    @UseGuards(LicenseGuard)
    @RequiresLicense('connector:sap')
    sap() {
      return { id: 'sap' };
    }
  }

  @Controller('admin')
  class ReverifyController {
    constructor(private readonly license: LicenseService) {}
    @Get('reverify')
    async reverify() {
      const state = await this.license.reverify();
      return { status: state.status, reason: state.reason ?? null };
    }
  }

  describe.each(ADAPTERS)('forRootAsync over HTTP on %s: a new key without a restart', (_name, createAdapter) => {
    let app: INestApplication | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    it('restricted → reverify with a key in the variable → unlocked → reverify with a bad key → locked', async () => {
      const name = variable();
      const moduleRef = await Test.createTestingModule({
        imports: [
          ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
          LicenseModule.forRootAsync({
            inject: [ConfigService],
            useFactory: (_config: ConfigService) => ({
              audience: 'liberty',
              publicKey: kit.publicKey,
              licenseKey: `\${${name}}`,
            }),
          }),
        ],
        controllers: [ConnectorController, ReverifyController],
      })
        .setLogger(new CapturingLogger())
        .compile();
      app = await listen(moduleRef, createAdapter());
      const http = request(app.getHttpServer());

      await http.get('/connectors/sap').expect(403);
      process.env[name] = await kit.issue();
      await http.get('/admin/reverify').expect(200, { status: 'accepted', reason: null });
      await http.get('/connectors/sap').expect(200, { id: 'sap' });
      process.env[name] = await otherSigner.issue();
      await http.get('/admin/reverify').expect(200, { status: 'rejected', reason: 'signature invalid' });
      const locked = await http.get('/connectors/sap').expect(403);
      expect(locked.body).toMatchObject({
        code: 'LICENSE_REQUIRED',
        licenseStatus: 'rejected',
        reason: 'signature invalid',
      });
    });
  });
});
