import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { UsersService } from '../users/users.service.js';
import type { AuthenticatedRequest, AuthenticatedUser } from './authenticated-user.js';
import { AuthFailureThrottle, clientOf, TooManyAttemptsException } from './auth-throttle.js';
import { PublicRoute, RequiredPermissions } from './permissions.decorator.js';
import { readCookie, SESSION_COOKIE } from './session-cookie.js';
import { SessionStore } from './session-store.js';

/**
 * The app-wide guard (APP_GUARD): the user comes from `Authorization: Bearer <token>` or from the
 * browser session (`liberty_session` cookie, set by `POST /api/session`). `@Public()` routes skip
 * it; `@Permissions()` routes need every listed permission; any other route needs an authenticated
 * user. Wrong bearer tokens are counted per client and lock it out (429) past the limit.
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
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride(PublicRoute, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = await this.authenticate(request, context);
    request.user = user;
    const required = (this.reflector.getAllAndMerge(RequiredPermissions, targets) ?? []) as readonly string[];
    for (const permission of required) {
      if (!(user.permissions as readonly string[]).includes(permission)) {
        throw new ForbiddenException({
          statusCode: 403,
          code: 'PERMISSION_REQUIRED',
          permission,
          message: `Requires permission ${permission}`,
        });
      }
    }
    return true;
  }

  private async authenticate(request: AuthenticatedRequest, context: ExecutionContext): Promise<AuthenticatedUser> {
    const authorization = request.headers.authorization;
    if (typeof authorization === 'string') {
      const client = clientOf(request);
      try {
        this.failures.assertAllowed(client);
        const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
        const user = token ? this.users.authenticate(token) : undefined;
        if (user) return user;
        await this.failures.recordFailure(client);
      } catch (error) {
        if (error instanceof TooManyAttemptsException) retryAfter(context, error.retryAfterSeconds);
        throw error;
      }
      throw unauthorized('Invalid or disabled token');
    }
    const sessionId = readCookie(typeof request.headers.cookie === 'string' ? request.headers.cookie : undefined, SESSION_COOKIE);
    if (!sessionId) throw unauthorized('Authentication required: send "Authorization: Bearer <token>" or sign in');
    const userId = this.sessions.userOf(sessionId);
    const user = userId ? this.users.authenticateId(userId) : undefined;
    if (!user) throw unauthorized('Session expired or signed out; sign in again');
    return user;
  }
}

function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, message });
}

/** Sets `Retry-After` on the response of a 429. */
export function retryAfter(context: ExecutionContext, seconds: number): void {
  context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>().setHeader('Retry-After', String(seconds));
}
