import { Injectable, type CanActivate, type ExecutionContext, type HttpException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  licenseRequiredBody,
  licenseRequiredHttpException,
  LicenseRequiredGraphQLError,
  type LicenseRequiredBody,
} from './contexts/license-required.exception.js';
import {
  loadedTransportException,
  loadTransportException,
  type Transport,
} from './contexts/transport-exception.loader.js';
import { LicenseService } from './license.service.js';
import { RequiresLicense } from './decorators/requires-license.decorator.js';

const NONE: readonly string[] = [];

/** A handler's requirement, cached for the class it was first seen on (nearly always the only one). */
interface CachedRequirement {
  readonly owner: object;
  readonly required: readonly string[];
  /** Other classes sharing this handler (an inherited method): their own requirement each. */
  others?: WeakMap<object, readonly string[]>;
}

/**
 * Enforces `@RequiresLicense()`. Use it per route, per controller or as `APP_GUARD`, on HTTP
 * controllers, GraphQL resolvers, WebSocket gateways and microservice handlers.
 *
 * The requirement of each (class, handler) pair is read from metadata once and cached, so a call
 * costs one WeakMap lookup and a Set lookup per required feature. A locked call answers in its
 * transport's own way with the same body: HTTP 403, a GraphQL error with
 * `extensions.code: 'LICENSE_REQUIRED'`, a `WsException` (the client's `exception` event) or an
 * `RpcException`.
 */
@Injectable()
export class LicenseGuard implements CanActivate {
  private readonly requirements = new WeakMap<object, CachedRequirement>();

  constructor(
    protected readonly reflector: Reflector,
    protected readonly license: LicenseService,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const required = this.requirementOf(context);
    for (let i = 0; i < required.length; i++) {
      // isUsable: granted, or enforcement is soft (both read from the same snapshot).
      if (!this.license.isUsable(required[i])) return this.deny(context, required[i]);
    }
    return true;
  }

  /** The features a handler needs: the handler's and its class's, merged. */
  protected requirementOf(context: ExecutionContext): readonly string[] {
    const handler = context.getHandler();
    const owner = context.getClass();
    const cached = this.requirements.get(handler);
    if (cached?.owner === owner) return cached.required;
    if (!cached) {
      const required = this.readRequirement(owner, handler);
      this.requirements.set(handler, { owner, required });
      return required;
    }
    let required = (cached.others ??= new WeakMap()).get(owner);
    if (!required) cached.others.set(owner, (required = this.readRequirement(owner, handler)));
    return required;
  }

  private readRequirement(owner: object, handler: object): readonly string[] {
    const merged = this.reflector.getAllAndMerge<readonly string[]>(RequiresLicense, [
      owner as never,
      handler as never,
    ]);
    return merged.length > 0 ? Object.freeze([...new Set(merged)]) : NONE;
  }

  /** The 403 for a missing feature. Override to change the HTTP body. */
  protected lockedException(feature: string): HttpException {
    return licenseRequiredHttpException(this.lockedBody(feature));
  }

  protected lockedBody(feature: string): LicenseRequiredBody {
    return licenseRequiredBody(feature, this.license.state);
  }

  /** Throws (or rejects with) the transport's own error; never lets the call through. */
  private deny(context: ExecutionContext, feature: string): never | Promise<never> {
    const type = context.getType<string>();
    if (type === 'graphql') throw new LicenseRequiredGraphQLError(this.lockedBody(feature));
    if (type === 'ws' || type === 'rpc') return this.denyOver(type, this.lockedBody(feature));
    throw this.lockedException(feature);
  }

  private denyOver(transport: Transport, body: LicenseRequiredBody): never | Promise<never> {
    const Exception = loadedTransportException(transport);
    if (Exception) throw new Exception({ ...body });
    return loadTransportException(transport).then((Loaded) => {
      throw new Loaded({ ...body });
    });
  }
}
