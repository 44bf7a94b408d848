import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { UsersService } from '../users/users.service.js';
import { authCarrierOf, forbidden, unauthorized } from './auth-context.js';
import type { AuthenticatedRequest } from './authenticated-user.js';
import { PublicRoute, RequiredPermissions } from './permissions.decorator.js';
import { readCookie, SESSION_COOKIE } from './session-cookie.js';

/**
 * The app-wide guard (APP_GUARD) for REST, GraphQL and the Socket.IO gateway: the token comes from
 * `Authorization: Bearer <token>` or the `liberty_token` cookie (a socket may also send it as
 * `auth: { token }`). `@Public()` routes skip it; `@Permissions()` routes need every listed
 * permission; any other route needs an authenticated user.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const carrier = authCarrierOf(context);
    if (!carrier) return true; // microservice messages: no users on that transport
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride(PublicRoute, targets)) return true;
    const token = tokenOf(carrier.request);
    const user = token ? await this.users.authenticate(token) : undefined;
    if (!user) {
      throw unauthorized(context, {
        statusCode: 401,
        message: token
          ? 'Invalid or disabled token'
          : 'Authentication required: send "Authorization: Bearer <token>" or sign in',
      });
    }
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
}

/** The bearer token of a request (header first, then the session cookie). */
export function tokenOf(request: Pick<AuthenticatedRequest, 'headers'>): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  const cookie = request.headers.cookie;
  return readCookie(typeof cookie === 'string' ? cookie : undefined, SESSION_COOKIE) || undefined;
}
