import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Controller, Get, UseGuards, type INestApplication, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { LicenseGuard, LicenseModule, RequiresLicense } from '@liberty/license';
import { LicenseTestKit } from '@liberty/license/testing';
import { CapturingLogger } from './support/capturing-logger.js';
import { specTimeout } from '../support/suite.js';

describe('foot-guns', () => {
  // No silent foot-guns (issue 21): a requirement nothing enforces is named at startup, and typed
  // feature ids turn a misspelt id into a compile error.
  const run = promisify(execFile);
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));
  specTimeout(120_000);
  // Rerun on Node 22 and 24 (scripts/test-node-majors.mjs), the typed-ids check is skipped: what tsc
  // reports cannot depend on the Node that runs it, and the main run has made it (as test/package does).
  const TYPE_CHECK = process.env.LIBERTY_NODE_MAJOR_RERUN !== '1';

  @Controller('open')
  class UnguardedController {
    @Get('sap')
    @RequiresLicense('connector:sap')
    sap() {
      return 'open to all';
    }

    @Get('nothing')
    @RequiresLicense([])
    nothing() {
      return 'requires nothing';
    }
  }

  @Controller('guarded')
  @UseGuards(LicenseGuard)
  class GuardedController {
    @Get('sap')
    @RequiresLicense('connector:sap')
    sap() {
      return 'locked';
    }
  }

  let kit: LicenseTestKit;
  let app: INestApplication | undefined;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function startupWarnings(
    controllers: Type[],
    providers: object[] = [],
    global?: 'useGlobalGuards',
  ): Promise<string[]> {
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [await kit.module({})],
      controllers,
      providers: providers as never[],
    })
      .setLogger(logger)
      .compile();
    app = moduleRef.createNestApplication({ logger });
    if (global) app.useGlobalGuards(app.get(LicenseGuard));
    await app.init();
    return logger.entries.filter((e) => e.level === 'warn' && /RequiresLicense/.test(e.message)).map((e) => e.message);
  }

  it('names Class.method of a @RequiresLicense route with no LicenseGuard in its chain, and an empty list', async () => {
    expect(await startupWarnings([UnguardedController, GuardedController])).toEqual([
      '@RequiresLicense on UnguardedController.sap has no LicenseGuard in its chain, so it is not enforced: add @UseGuards(LicenseGuard) to the route or its controller, or provide it as APP_GUARD',
      '@RequiresLicense([]) on UnguardedController.nothing requires nothing: the route is open',
    ]);
  });

  it('says nothing when the guard is global, as APP_GUARD or with app.useGlobalGuards()', async () => {
    const appGuard = await startupWarnings([UnguardedController], [{ provide: APP_GUARD, useClass: LicenseGuard }]);
    expect(appGuard.filter((w) => w.includes('no LicenseGuard'))).toEqual([]);
    await app?.close();
    app = undefined;
    const useGlobal = await startupWarnings([UnguardedController], [LicenseGuard], 'useGlobalGuards');
    expect(useGlobal.filter((w) => w.includes('no LicenseGuard'))).toEqual([]);
  });

  (TYPE_CHECK ? it : it.skip)(
    'typed feature ids: declared ids compile, a misspelt one is a compile error (tsc on a fixture with @ts-expect-error)',
    async () => {
      const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
      const result = await run(process.execPath, [tsc, '-p', 'test/library/fixtures/typed-features/tsconfig.json'], {
        cwd: ROOT,
        timeout: 110_000,
      }).catch((error: { stdout: string }) => ({ stdout: error.stdout, failed: true }));
      expect(result).not.toHaveProperty('failed');
    },
  );

  it('an unset key variable is named in the log (which variable was read, and its _FILE twin)', async () => {
    delete process.env.MY_PRODUCT_KEY;
    delete process.env.MY_PRODUCT_KEY_FILE;
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [
        LicenseModule.forRoot({ audience: 'liberty', publicKey: kit.publicKey, licenseKey: '${MY_PRODUCT_KEY}' }),
      ],
    })
      .setLogger(logger)
      .compile();
    app = moduleRef.createNestApplication({ logger });
    await app.init();
    const lines = logger.entries.map((e) => e.message);
    expect(lines).toContain('no license key: MY_PRODUCT_KEY (or MY_PRODUCT_KEY_FILE) is not set');
    expect(lines).toContain('running in restricted mode — licensed features disabled');
  });
});
