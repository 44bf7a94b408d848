import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { UsersService } from '../users/users.service.js';
import { authCarrierOf, forbidden, unauthorized } from './auth-context.js';
import type { AuthenticatedRequest, AuthenticatedUser } from './authenticated-user.js';
import { AuthFailureThrottle, clientOf, TooManyAttemptsException } from './auth-throttle.js';
import { PublicRoute, RequiredPermissions } from './permissions.decorator.js';
import { readCookie, SESSION_COOKIE } from './session-cookie.js';
import { SessionStore } from './session-store.js';

/**
 * The app-wide guard (APP_GUARD) for REST, GraphQL and the Socket.IO gateway: the user comes from
 * `Authorization: Bearer <token>` (a socket may also send `auth: { token }`) or from the browser
 * session (`liberty_session` cookie, set by `POST /api/session`). `@Public()` routes skip it;
 * `@Permissions()` routes need every listed permission; any other route needs an authenticated
 * user. Wrong bearer tokens over HTTP are counted per client and lock it out (429) past the limit.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
    private readonly sessions: SessionStore,
    private readonly failures: AuthFailureThrottle,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const carrier = authCarrierOf(context);
    if (!carrier) return true; // microservice messages: no users on that transport
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride(PublicRoute, targets)) return true;
    const user = await this.authenticate(carrier.request, context);
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

  private async authenticate(request: Pick<AuthenticatedRequest, 'headers' | 'ip' | 'socket'>, context: ExecutionContext): Promise<AuthenticatedUser> {
    const token = bearerOf(request);
    if (token !== undefined) {
      // Counted per client only where the client address is known (HTTP, GraphQL over HTTP).
      const client = context.getType<string>() === 'ws' ? undefined : clientOf(request);
      try {
        if (client) this.failures.assertAllowed(client);
        const user = token ? await this.users.authenticate(token) : undefined;
        if (user) return user;
        if (client) await this.failures.recordFailure(client);
      } catch (error) {
        if (error instanceof TooManyAttemptsException) retryAfter(context, error.retryAfterSeconds);
        throw error;
      }
      throw unauthorized(context, { statusCode: 401, message: 'Invalid or disabled token' });
    }
    const cookie = request.headers.cookie;
    const sessionId = readCookie(typeof cookie === 'string' ? cookie : undefined, SESSION_COOKIE);
    if (!sessionId) {
      throw unauthorized(context, { statusCode: 401, message: 'Authentication required: send "Authorization: Bearer <token>" or sign in' });
    }
    const userId = await this.sessions.userOf(sessionId);
    const user = userId ? await this.users.authenticateId(userId) : undefined;
    if (!user) throw unauthorized(context, { statusCode: 401, message: 'Session expired or signed out; sign in again' });
    return user;
  }
}

/** The bearer token of `Authorization` (`''` for a malformed header), or `undefined` without one. */
export function bearerOf(request: Pick<AuthenticatedRequest, 'headers'>): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? '';
}

/** Sets `Retry-After` on the HTTP response of a 429. */
export function retryAfter(context: ExecutionContext, seconds: number): void {
  if (context.getType() !== 'http') return;
  context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>().setHeader('Retry-After', String(seconds));
}
