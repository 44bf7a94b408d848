import { ForbiddenException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { RpcException } from '@nestjs/microservices';
import { WsException } from '@nestjs/websockets';
import { LicenseRequiredGraphQLError } from './contexts/license-required.exception.js';
import { LicenseGuard } from './license.guard.js';
import type { LicenseService } from './license.service.js';
import { RequiresLicense } from './decorators/requires-license.decorator.js';

class Base {
  @RequiresLicense('connector:sap')
  tables() {
    return [];
  }
}
@RequiresLicense('app:nomajde')
class WithApp extends Base {}
class Plain extends Base {}

function guardWith(granted: string[], enforcement: 'restricted' | 'soft' = 'restricted') {
  const features = new Set(granted);
  const license = {
    isUsable: (feature: string) => features.has(feature) || enforcement === 'soft',
    state: { status: 'not-configured', enforcement },
  } as unknown as LicenseService;
  return new LicenseGuard(new Reflector(), license);
}

function context(owner: new () => object, type = 'http') {
  const host = new ExecutionContextHost([{}, {}, () => undefined], owner as never, Base.prototype.tables);
  host.setType(type);
  return host;
}

describe('LicenseGuard', () => {
  it.each([
    ['subclass first', [WithApp, Plain, Base]],
    ['base first', [Base, Plain, WithApp]],
  ] as const)(
    'one inherited handler on several classes: each class keeps its own requirement (%s)',
    (_order, owners) => {
      const guard = guardWith(['connector:sap']);
      for (let round = 0; round < 2; round++) {
        for (const owner of owners) {
          if (owner === WithApp) expect(() => guard.canActivate(context(owner))).toThrow(ForbiddenException);
          else expect(guard.canActivate(context(owner))).toBe(true);
        }
      }
    },
  );

  it('soft enforcement lets every call through', () => {
    expect(guardWith([], 'soft').canActivate(context(WithApp))).toBe(true);
  });

  it('answers by context type: HTTP 403, GraphQL error with extensions, WsException, RpcException', async () => {
    const guard = guardWith([]);
    const body = {
      statusCode: 403,
      code: 'LICENSE_REQUIRED',
      feature: 'connector:sap',
      message: 'Locked — requires license connector:sap',
      licenseStatus: 'not-configured',
      reason: null,
    };
    expect(() => guard.canActivate(context(Plain, 'http'))).toThrow(ForbiddenException);
    let graphql: unknown;
    try {
      void guard.canActivate(context(Plain, 'graphql'));
    } catch (error) {
      graphql = error;
    }
    expect(graphql).toBeInstanceOf(LicenseRequiredGraphQLError);
    expect(graphql).toMatchObject({
      message: body.message,
      extensions: { code: 'LICENSE_REQUIRED', feature: 'connector:sap', licenseStatus: 'not-configured', reason: null },
    });
    for (const [type, Exception] of [
      ['ws', WsException],
      ['rpc', RpcException],
    ] as const) {
      // First call: loaded lazily (a rejected promise); later calls throw synchronously.
      const first = guard.canActivate(context(Plain, type));
      await expect(first).rejects.toBeInstanceOf(Exception);
      await expect(
        Promise.resolve(first).catch((error: WsException | RpcException) => error.getError()),
      ).resolves.toEqual(body);
      expect(() => guard.canActivate(context(Plain, type))).toThrow(Exception);
    }
  });
});
