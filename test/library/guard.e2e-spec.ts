import { Controller, Get, Module, UseGuards, type INestApplication, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { LicenseConfigurationError, LicenseGuard, RequiresLicense, type LicenseEnforcement } from '@liberty/license';
import { LicenseTestKit } from '@liberty/license/testing';
import { CapturingLogger } from './support/capturing-logger.js';
import { ADAPTERS, listen } from './support/http.js';
import { specTimeout } from '../support/suite.js';

// RSA key generation and child processes are slow on a loaded 2-core CI machine; never a speed check.
specTimeout(30_000);

describe('guard', () => {
  @Controller()
  class HealthController {
    @Get('health')
    health() {
      return { status: 'ok' };
    }
  }

  /** Per controller: every route needs connector:sap; one also needs app:nomajde. */
  @Controller('sap')
  @UseGuards(LicenseGuard)
  @RequiresLicense('connector:sap')
  class SapController {
    @Get('orders')
    orders() {
      return { orders: [] };
    }

    @Get('nomajde')
    @RequiresLicense('app:nomajde')
    both() {
      return { both: true };
    }
  }

  /** Per route: only one handler is guarded. */
  @Controller('routes')
  class PerRouteController {
    @Get('open')
    open() {
      return { open: true };
    }

    @Get('snowflake')
    @UseGuards(LicenseGuard)
    @RequiresLicense('connector:snowflake')
    snowflake() {
      return { snowflake: true };
    }
  }

  /** Under APP_GUARD: no @UseGuards anywhere. */
  @Controller('global')
  class GlobalController {
    @Get('sap')
    @RequiresLicense('connector:sap')
    sap() {
      return { sap: true };
    }

    @Get('ai')
    @RequiresLicense(['ai:anthropic', 'product:pika'])
    ai() {
      return { ai: true };
    }

    @Get('open')
    open() {
      return { open: true };
    }
  }

  type State = 'accepted' | 'not-configured' | 'rejected' | 'expired';

  let kit: LicenseTestKit;
  let otherSigner: LicenseTestKit;
  const tokens = {} as Record<State, string | undefined>;
  let expiredOn: string;

  beforeAll(async () => {
    [kit, otherSigner] = await Promise.all([LicenseTestKit.create(), LicenseTestKit.create()]);
    // Grants connector:sap and ai:anthropic; not snowflake, nomajde or pika.
    tokens.accepted = await kit.issue();
    tokens['not-configured'] = undefined;
    tokens.rejected = await otherSigner.issue();
    const exp = Math.floor(Date.now() / 1000) - 60;
    expiredOn = new Date(exp * 1000).toISOString().slice(0, 10);
    tokens.expired = await kit.issue({ claims: { exp, iat: exp - 86_400, nbf: exp - 86_400 } });
  });

  const locked = (feature: string, licenseStatus: string, reason: string | null) => ({
    statusCode: 403,
    code: 'LICENSE_REQUIRED',
    feature,
    message: `Locked — requires license ${feature}`,
    licenseStatus,
    reason,
  });

  // An expired key is `rejected` with reason `expired (YYYY-MM-DD)`.
  const statusOf = (state: State) => (state === 'expired' ? 'rejected' : state);
  const reasonOf = (state: State) =>
    state === 'rejected' ? 'signature invalid' : state === 'expired' ? `expired (${expiredOn})` : null;

  describe.each(ADAPTERS)('LicenseGuard on %s', (_name, createAdapter) => {
    let app: INestApplication | undefined;

    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    async function serve(
      state: State,
      {
        global = false,
        enforcement = 'restricted',
        controllers = [] as Type[],
      }: { global?: boolean; enforcement?: LicenseEnforcement; controllers?: Type[] } = {},
    ) {
      const token = tokens[state];
      const moduleRef = await Test.createTestingModule({
        imports: [await kit.module(token ? { token, enforcement } : { state: 'not-configured', enforcement })],
        controllers: global
          ? [HealthController, GlobalController]
          : [HealthController, SapController, PerRouteController, ...controllers],
        providers: global ? [{ provide: APP_GUARD, useExisting: LicenseGuard }] : [],
      })
        .setLogger(new CapturingLogger())
        .compile();
      app = await listen(moduleRef, createAdapter());
      return request(app.getHttpServer());
    }

    describe('restricted enforcement', () => {
      it('accepted: granted routes pass, a route needing a feature the key lacks is 403', async () => {
        const http = await serve('accepted');
        await http.get('/health').expect(200, { status: 'ok' });
        await http.get('/sap/orders').expect(200, { orders: [] });
        await http.get('/routes/open').expect(200, { open: true });
        // Class and handler requirements add up: sap is granted, nomajde is not.
        const both = await http.get('/sap/nomajde').expect(403);
        expect(both.body).toEqual(locked('app:nomajde', 'accepted', null));
        const snowflake = await http
          .get('/routes/snowflake')
          .expect(403)
          .expect('content-type', /application\/json/);
        expect(snowflake.body).toEqual(locked('connector:snowflake', 'accepted', null));
      });

      it.each<State>(['not-configured', 'rejected', 'expired'])(
        '%s: licensed routes are 403 with the exact body; the rest stays 200',
        async (state) => {
          const http = await serve(state);
          await http.get('/health').expect(200, { status: 'ok' });
          await http.get('/routes/open').expect(200, { open: true });
          const sap = await http.get('/sap/orders').expect(403);
          expect(sap.body).toEqual(locked('connector:sap', statusOf(state), reasonOf(state)));
          expect(sap.body.message).toBe('Locked — requires license connector:sap');
          const snowflake = await http.get('/routes/snowflake').expect(403);
          expect(snowflake.body).toEqual(locked('connector:snowflake', statusOf(state), reasonOf(state)));
        },
      );

      it('requests never re-verify the key: one verification at startup, however many requests', async () => {
        const logger = new CapturingLogger();
        const moduleRef = await Test.createTestingModule({
          imports: [await kit.module({ token: tokens.accepted })],
          controllers: [SapController, PerRouteController],
        })
          .setLogger(logger)
          .compile();
        app = await listen(moduleRef, createAdapter());
        const http = request(app.getHttpServer());
        for (let i = 0; i < 20; i += 1) {
          await http.get('/sap/orders').expect(200);
          await http.get('/routes/snowflake').expect(403);
        }
        const verifications = logger
          .linesOf('liberty.licensing')
          .filter(([, message]) => message.startsWith('license accepted'));
        expect(verifications).toHaveLength(1);
      });

      it('the key never appears in a response', async () => {
        for (const state of ['accepted', 'rejected', 'expired'] as const) {
          const http = await serve(state);
          const token = tokens[state]!;
          for (const path of ['/sap/orders', '/sap/nomajde', '/routes/snowflake']) {
            const response = await http.get(path);
            expect(response.text).not.toContain(token.split('.')[1]);
            expect(response.text).not.toContain(token.split('.')[2]);
          }
          await app!.close();
          app = undefined;
        }
      });
    });

    describe('as APP_GUARD', () => {
      it('accepted: every decorated route is checked, undecorated ones are not', async () => {
        const http = await serve('accepted', { global: true });
        await http.get('/health').expect(200);
        await http.get('/global/open').expect(200, { open: true });
        await http.get('/global/sap').expect(200, { sap: true });
        // Several features: all are needed; the first missing one is reported.
        const ai = await http.get('/global/ai').expect(403);
        expect(ai.body).toEqual(locked('product:pika', 'accepted', null));
      });

      it('not configured: decorated routes are 403, health and open routes are 200', async () => {
        const http = await serve('not-configured', { global: true });
        await http.get('/health').expect(200, { status: 'ok' });
        await http.get('/global/open').expect(200);
        const sap = await http.get('/global/sap').expect(403);
        expect(sap.body).toEqual(locked('connector:sap', 'not-configured', null));
      });
    });

    describe('soft enforcement', () => {
      it.each<State>(['not-configured', 'rejected', 'expired'])('%s: guarded routes go through', async (state) => {
        const http = await serve(state, { enforcement: 'soft' });
        await http.get('/sap/orders').expect(200, { orders: [] });
        await http.get('/sap/nomajde').expect(200);
        await http.get('/routes/snowflake').expect(200);
        await app!.close();
        const global = await serve(state, { global: true, enforcement: 'soft' });
        await global.get('/global/sap').expect(200);
        await global.get('/global/ai').expect(200);
      });
    });
  });

  describe('a feature with an unknown namespace fails at startup, naming the handler', () => {
    @Controller('typo')
    class TypoController {
      @Get()
      @UseGuards(LicenseGuard)
      @RequiresLicense('conector:sap')
      handler() {
        return {};
      }
    }

    @Controller('typo-class')
    @RequiresLicense('connectors:sap')
    class TypoClassController {
      @Get()
      handler() {
        return {};
      }
    }

    @Controller('bad-id')
    class BadIdController {
      @Get()
      @RequiresLicense('connector:')
      empty() {
        return {};
      }
    }

    it.each<[Type, string]>([
      [
        TypoController,
        '@RequiresLicense on TypoController.handler: unknown feature namespace "conector" in "conector:sap" (expected one of connector:, app:, product:, ai:)',
      ],
      [
        TypoClassController,
        '@RequiresLicense on TypoClassController: unknown feature namespace "connectors" in "connectors:sap" (expected one of connector:, app:, product:, ai:)',
      ],
      [
        BadIdController,
        '@RequiresLicense on BadIdController.empty: bad feature id in "connector:" (1-64 letters, digits, ".", "_" or "-")',
      ],
    ])('%p', async (controller, message) => {
      @Module({ imports: [await kit.module()], controllers: [controller] })
      class AppModule {}
      const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
        .setLogger(new CapturingLogger())
        .compile();
      const app = moduleRef.createNestApplication();
      try {
        await expect(app.init()).rejects.toThrow(new LicenseConfigurationError(message));
      } finally {
        await app.close();
      }
    });
  });
});
