import { Controller, Module, UseGuards, type INestApplication, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { ClientProxyFactory, MessagePattern, Transport, type ClientProxy } from '@nestjs/microservices';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Test } from '@nestjs/testing';
import { firstValueFrom } from 'rxjs';
import { io, type Socket } from 'socket.io-client';
import {
  LicenseConfigurationError,
  LicenseGuard,
  LicenseService,
  OnLicenseEvent,
  RequiresLicense,
  type LicenseEnforcement,
  type LicenseEvent,
} from '@liberty/license';
import { LicenseTestKit, type TestLicenseState } from '@liberty/license/testing';
import { CapturingLogger } from './support/capturing-logger.js';
import { listenOnFreePort } from '../support/ports.js';
import { specTimeout } from '../support/suite.js';

// Real clients over real sockets: Apollo over HTTP (fetch), socket.io-client, a TCP ClientProxy.
// Slow on a loaded 2-core machine; never a speed check.
specTimeout(60_000);

describe('contexts', () => {
  @Resolver()
  class SapResolver {
    @Query(() => [String])
    @RequiresLicense('connector:sap')
    sapTables(): string[] {
      return ['MARA', 'VBAK'];
    }

    @Query(() => String)
    @RequiresLicense('connector:snowflake')
    snowflakeWarehouse(): string {
      return 'COMPUTE_WH';
    }

    @Query(() => String)
    open(): string {
      return 'open';
    }
  }

  @WebSocketGateway()
  class SapGateway {
    readonly events: LicenseEvent[] = [];

    @SubscribeMessage('connectors.sap.tables')
    @RequiresLicense('connector:sap')
    tables() {
      return ['MARA', 'VBAK'];
    }

    @SubscribeMessage('connectors.snowflake.warehouse')
    @RequiresLicense('connector:snowflake')
    warehouse() {
      return 'COMPUTE_WH';
    }

    @SubscribeMessage('ping')
    ping() {
      return 'pong';
    }

    @OnLicenseEvent('license.changed')
    changed(event: LicenseEvent) {
      this.events.push(event);
    }
  }

  @Controller()
  @UseGuards(LicenseGuard)
  class SapMessages {
    readonly events: LicenseEvent[] = [];

    @MessagePattern('connectors.sap.tables')
    @RequiresLicense('connector:sap')
    tables() {
      return ['MARA', 'VBAK'];
    }

    @MessagePattern('connectors.snowflake.warehouse')
    @RequiresLicense('connector:snowflake')
    warehouse() {
      return 'COMPUTE_WH';
    }

    @MessagePattern('ping')
    ping() {
      return 'pong';
    }

    @OnLicenseEvent('license.changed')
    changed(event: LicenseEvent) {
      this.events.push(event);
    }
  }

  let kit: LicenseTestKit;
  beforeAll(async () => {
    kit = await LicenseTestKit.create();
  });

  const STATES: Array<[TestLicenseState, string, RegExp | null]> = [
    ['not-configured', 'not-configured', null],
    ['rejected', 'rejected', /^signature invalid$/],
    ['expired', 'rejected', /^expired \(\d{4}-\d{2}-\d{2}\)$/],
  ];

  function lockedBody(feature: string, licenseStatus: string, reason: RegExp | null) {
    return {
      statusCode: 403,
      code: 'LICENSE_REQUIRED',
      feature,
      message: `Locked — requires license ${feature}`,
      licenseStatus,
      reason: reason ? expect.stringMatching(reason) : null,
    };
  }

  interface Started {
    app: INestApplication;
    logger: CapturingLogger;
    url: string;
  }

  async function start(
    state: TestLicenseState,
    enforcement: LicenseEnforcement,
    parts: {
      imports?: Array<Type | Awaited<ReturnType<typeof GraphQLModule.forRoot>>>;
      providers?: Type[];
      controllers?: Type[];
    },
  ): Promise<Started> {
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [await kit.module({ state, enforcement }), ...(parts.imports ?? [])],
      providers: [...(parts.providers ?? []), { provide: APP_GUARD, useExisting: LicenseGuard }],
      controllers: parts.controllers ?? [],
    })
      .setLogger(logger)
      .compile();
    const app = moduleRef.createNestApplication();
    app.useWebSocketAdapter(new IoAdapter(app));
    await app.listen(0, '127.0.0.1');
    return { app, logger, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
  }

  describe('GraphQL resolver (Apollo, code-first), queried over HTTP', () => {
    let started: Started | undefined;
    afterEach(async () => {
      await started?.app.close();
      started = undefined;
    });

    const graphql = () =>
      GraphQLModule.forRoot<ApolloDriverConfig>({
        driver: ApolloDriver,
        autoSchemaFile: true,
        includeStacktraceInErrorResponses: false,
      });

    async function query(source: string) {
      const response = await fetch(`${started!.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: source }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as {
        data?: Record<string, unknown> | null;
        errors?: Array<Record<string, unknown>>;
      };
    }

    it('accepted: a granted query returns data; one the key lacks is LICENSE_REQUIRED (exact shape)', async () => {
      started = await start('accepted', 'restricted', { imports: [graphql()], providers: [SapResolver] });
      expect(await query('{ sapTables open }')).toEqual({ data: { sapTables: ['MARA', 'VBAK'], open: 'open' } });
      expect(await query('{ snowflakeWarehouse }')).toEqual({
        data: null,
        errors: [
          {
            message: 'Locked — requires license connector:snowflake',
            locations: [{ line: 1, column: 3 }],
            path: ['snowflakeWarehouse'],
            extensions: {
              code: 'LICENSE_REQUIRED',
              feature: 'connector:snowflake',
              licenseStatus: 'accepted',
              reason: null,
            },
          },
        ],
      });
    });

    it.each(STATES)(
      '%s, restricted: the licensed query is LICENSE_REQUIRED, open fields still answer',
      async (state, status, reason) => {
        started = await start(state, 'restricted', { imports: [graphql()], providers: [SapResolver] });
        expect(await query('{ open }')).toEqual({ data: { open: 'open' } });
        const locked = await query('{ sapTables }');
        expect(locked).toEqual({
          data: null,
          errors: [
            {
              message: 'Locked — requires license connector:sap',
              locations: [{ line: 1, column: 3 }],
              path: ['sapTables'],
              extensions: {
                code: 'LICENSE_REQUIRED',
                feature: 'connector:sap',
                licenseStatus: status,
                reason: reason ? expect.stringMatching(reason) : null,
              },
            },
          ],
        });
        // A locked call is a normal answer: nothing is logged as an error.
        expect(started.logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
      },
    );

    it('not configured, soft: the licensed query answers', async () => {
      started = await start('not-configured', 'soft', { imports: [graphql()], providers: [SapResolver] });
      expect(await query('{ sapTables snowflakeWarehouse }')).toEqual({
        data: { sapTables: ['MARA', 'VBAK'], snowflakeWarehouse: 'COMPUTE_WH' },
      });
    });
  });

  describe('Socket.IO gateway, driven by socket.io-client', () => {
    let started: Started | undefined;
    let socket: Socket | undefined;
    afterEach(async () => {
      socket?.disconnect();
      socket = undefined;
      await started?.app.close();
      started = undefined;
    });

    async function connect(): Promise<Socket> {
      socket = io(started!.url, { transports: ['websocket'], reconnection: false, forceNew: true });
      await new Promise<void>((resolve, reject) => {
        socket!.once('connect', resolve);
        socket!.once('connect_error', reject);
      });
      return socket;
    }

    /** Emits and waits for the ack (the handler's answer) or the `exception` event, whichever comes. */
    function call(client: Socket, event: string): Promise<{ ack?: unknown; exception?: unknown }> {
      return new Promise((resolve) => {
        const onException = (exception: unknown) => resolve({ exception });
        client.once('exception', onException);
        client.emit(event, {}, (ack: unknown) => {
          client.off('exception', onException);
          resolve({ ack });
        });
      });
    }

    it('accepted: a granted message answers; one the key lacks gets the exception event with the body', async () => {
      started = await start('accepted', 'restricted', { providers: [SapGateway] });
      const client = await connect();
      expect(await call(client, 'connectors.sap.tables')).toEqual({ ack: ['MARA', 'VBAK'] });
      expect(await call(client, 'connectors.snowflake.warehouse')).toEqual({
        exception: lockedBody('connector:snowflake', 'accepted', null),
      });
      expect(await call(client, 'ping')).toEqual({ ack: 'pong' });
    });

    it.each(STATES)(
      '%s, restricted: the licensed message gets the exception event; open ones answer',
      async (state, status, reason) => {
        started = await start(state, 'restricted', { providers: [SapGateway] });
        const client = await connect();
        // Twice: the first locked call loads WsException lazily, the second uses the cached class.
        expect(await call(client, 'connectors.sap.tables')).toEqual({
          exception: lockedBody('connector:sap', status, reason),
        });
        expect(await call(client, 'connectors.sap.tables')).toEqual({
          exception: lockedBody('connector:sap', status, reason),
        });
        expect(await call(client, 'ping')).toEqual({ ack: 'pong' });
        expect(started.logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
      },
    );

    it('not configured, soft: the licensed message answers', async () => {
      started = await start('not-configured', 'soft', { providers: [SapGateway] });
      expect(await call(await connect(), 'connectors.sap.tables')).toEqual({ ack: ['MARA', 'VBAK'] });
    });

    it('@OnLicenseEvent works on a gateway', async () => {
      started = await start('accepted', 'restricted', { providers: [SapGateway] });
      await started.app.get(LicenseService).reconfigure({ publicKey: (await LicenseTestKit.create()).publicKey });
      expect(started.app.get(SapGateway).events).toEqual([
        expect.objectContaining({ type: 'license.changed', revoked: ['ai:anthropic', 'connector:sap'] }),
      ]);
    });
  });

  describe('microservice handler over TCP, driven by a ClientProxy', () => {
    let started: Started | undefined;
    let client: ClientProxy | undefined;
    afterEach(async () => {
      await client?.close();
      client = undefined;
      await started?.app.close();
      started = undefined;
    });

    async function startMicroservice(state: TestLicenseState, enforcement: LicenseEnforcement) {
      // Nest's TCP transport does not report a port-0 bind: a port taken meanwhile is tried again.
      const port = await listenOnFreePort(async (free) => {
        const app = (started = await start(state, enforcement, { controllers: [SapMessages] })).app;
        app.connectMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port: free } });
        try {
          await app.startAllMicroservices();
        } catch (error) {
          await app.close();
          started = undefined;
          throw error;
        }
        return free;
      });
      client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
      await client.connect();
      return client;
    }

    const send = (proxy: ClientProxy, pattern: string) => firstValueFrom(proxy.send(pattern, {}));

    it('accepted: a granted pattern answers; one the key lacks errors with the body', async () => {
      const proxy = await startMicroservice('accepted', 'restricted');
      expect(await send(proxy, 'connectors.sap.tables')).toEqual(['MARA', 'VBAK']);
      await expect(send(proxy, 'connectors.snowflake.warehouse')).rejects.toEqual(
        lockedBody('connector:snowflake', 'accepted', null),
      );
    });

    it.each(STATES)(
      '%s, restricted: the licensed pattern errors with the body; open ones answer',
      async (state, status, reason) => {
        const proxy = await startMicroservice(state, 'restricted');
        await expect(send(proxy, 'connectors.sap.tables')).rejects.toEqual(lockedBody('connector:sap', status, reason));
        await expect(send(proxy, 'connectors.sap.tables')).rejects.toEqual(lockedBody('connector:sap', status, reason));
        expect(await send(proxy, 'ping')).toBe('pong');
        expect(started!.logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
      },
    );

    it('not configured, soft: the licensed pattern answers', async () => {
      const proxy = await startMicroservice('not-configured', 'soft');
      expect(await send(proxy, 'connectors.sap.tables')).toEqual(['MARA', 'VBAK']);
    });

    it('@OnLicenseEvent works on a microservice controller', async () => {
      await startMicroservice('accepted', 'restricted');
      await started!.app.get(LicenseService).reconfigure({ publicKey: (await LicenseTestKit.create()).publicKey });
      expect(started!.app.get(SapMessages).events).toEqual([
        expect.objectContaining({ type: 'license.changed', revoked: ['ai:anthropic', 'connector:sap'] }),
      ]);
    });
  });

  describe('a typo fails the boot, naming the class and method, wherever the decorator is', () => {
    @Resolver()
    class TypoResolver {
      @Query(() => String)
      @RequiresLicense('conector:sap')
      tables() {
        return '';
      }
    }

    @WebSocketGateway()
    class TypoGateway {
      @SubscribeMessage('tables')
      @RequiresLicense('conector:sap')
      tables() {
        return '';
      }
    }

    @Controller()
    class TypoMessages {
      @MessagePattern('tables')
      @RequiresLicense('conector:sap')
      tables() {
        return '';
      }
    }

    @Resolver()
    @RequiresLicense('connectors:sap')
    class TypoClassResolver {
      @Query(() => String)
      tables() {
        return '';
      }
    }

    const unknownNamespace = (where: string, ns = 'conector') =>
      `@RequiresLicense on ${where}: unknown feature namespace "${ns}" in "${ns}:sap" (expected one of connector:, app:, product:, ai:)`;

    it.each<[string, { providers?: Type[]; controllers?: Type[] }, string]>([
      ['resolver', { providers: [TypoResolver] }, unknownNamespace('TypoResolver.tables')],
      ['resolver class', { providers: [TypoClassResolver] }, unknownNamespace('TypoClassResolver', 'connectors')],
      ['gateway', { providers: [TypoGateway] }, unknownNamespace('TypoGateway.tables')],
      ['message handler', { controllers: [TypoMessages] }, unknownNamespace('TypoMessages.tables')],
    ])('%s', async (_name, parts, message) => {
      @Module({ imports: [await kit.module()], ...parts })
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
