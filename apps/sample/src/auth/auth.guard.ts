import { HttpException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WsException } from '@nestjs/websockets';
import { AccessDenied, AccessPolicy } from './access.policy.js';
import { authCarrierOf, forbidden } from './auth-context.util.js';
import type { AuthenticatedUser } from './authenticated-user.interface.js';
import { PublicRoute, RequiredPermissions } from './permissions.decorator.js';

/**
 * The app-wide guard (APP_GUARD) for REST, GraphQL and the Socket.IO gateway. Who the caller is
 * comes from `AccessPolicy`, the one policy of every transport:
 * * REST: authenticated here, per request (bearer token or session cookie);
 * * GraphQL: already authenticated by the GraphQL context, once per HTTP request and before
 *   execution (so 11 aliases are one attempt, not 11);
 * * Socket.IO: authenticated once at the handshake (GuardedIoAdapter); each message re-checks that
 *   credential without counting failures, so a signed-out or disabled user's socket stops at once.
 * `@Public()` routes skip it; `@Permissions()` routes need every listed permission; any other
 * route needs an authenticated user.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly policy: AccessPolicy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const carrier = authCarrierOf(context);
    if (!carrier) return true; // microservice messages: no users on that transport
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride(PublicRoute, targets)) return true;
    const user = await this.authenticate(context, carrier.request);
    carrier.attach(user);
    const required = (this.reflector.getAllAndMerge(RequiredPermissions, targets) ?? []) as readonly string[];
    for (const permission of required) {
      if (!(user.permissions as readonly string[]).includes(permission)) {
        throw forbidden(context, {
          statusCode: 403,
          code: 'PERMISSION_REQUIRED',
          permission,
          message: `Requires permission ${permission}`,
        });
      }
    }
    return true;
  }

  private async authenticate(
    context: ExecutionContext,
    request: Parameters<AccessPolicy['authenticate']>[0] & { user?: AuthenticatedUser },
  ): Promise<AuthenticatedUser> {
    const type = context.getType<string>();
    if (type === 'graphql' && request.user) return request.user;
    try {
      return await this.policy.authenticate(request, { countFailures: type !== 'ws' });
    } catch (error) {
      throw error instanceof AccessDenied ? deniedIn(context, error) : error;
    }
  }
}

/** An `AccessDenied` in the transport's own way (with `Retry-After` over HTTP). */
export function deniedIn(context: ExecutionContext, denied: AccessDenied): Error {
  if (context.getType() === 'ws') return new WsException({ ...denied.body });
  if (context.getType() === 'http' && denied.retryAfterSeconds !== undefined) {
    context
      .switchToHttp()
      .getResponse<{ setHeader(name: string, value: string): void }>()
      .setHeader('Retry-After', String(denied.retryAfterSeconds));
  }
  return new HttpException({ ...denied.body }, denied.status);
}
