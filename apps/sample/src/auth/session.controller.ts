import type { ServerResponse } from 'node:http';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { UsersService } from '../users/users.service.js';
import type { AuthenticatedRequest, AuthenticatedUser } from './authenticated-user.interface.js';
import { clientOf } from './access.policy.js';
import { AuthFailureThrottle } from './auth-failure.limiter.js';
import { CurrentUser } from './current-user.decorator.js';
import { Public } from './permissions.decorator.js';
import { SessionDto } from './session.dto.js';
import { clearedSessionCookie, readSessionId, sessionCookie } from './session-cookie.util.js';
import { SessionStore } from './session.store.js';
import { SignInThrottlerGuard } from './sign-in-throttler.guard.js';

@Controller('api')
export class SessionController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionStore,
    private readonly failures: AuthFailureThrottle,
  ) {}

  /**
   * Signs in a browser: a valid token starts a server-side session whose id is set as the HttpOnly
   * `liberty_session` cookie (204), else 401. Throttled per client (429 `TOO_MANY_ATTEMPTS`), and
   * wrong tokens count towards the client's lock-out like wrong bearer tokens.
   */
  @Post('session')
  @Public()
  @UseGuards(SignInThrottlerGuard)
  @HttpCode(204)
  async signIn(
    @Body() dto: SessionDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<void> {
    const client = clientOf(request);
    this.failures.assertAllowed(client);
    const user = await this.users.authenticate(dto.token);
    if (!user) {
      await this.failures.recordFailure(client);
      throw new UnauthorizedException({ statusCode: 401, message: 'Invalid or disabled token' });
    }
    response.setHeader('Set-Cookie', sessionCookie(await this.sessions.create(user.id), request.secure === true));
  }

  /** Signs out: ends the session on the server (its cookie is then worthless) and clears the cookie (204). */
  @Delete('session')
  @Public()
  @HttpCode(204)
  async signOut(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<void> {
    const sessionId = readSessionId(request);
    if (sessionId) await this.sessions.revoke(sessionId);
    response.setHeader('Set-Cookie', clearedSessionCookie(request.secure === true));
  }

  /**
   * "Sign out everywhere": ends every browser session of the caller, on every replica (their
   * credential generation moves on), and clears this browser's cookie (204). A lost laptop's
   * session dies with it; the bearer token itself is unchanged.
   */
  @Delete('sessions')
  @HttpCode(204)
  async signOutEverywhere(
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<void> {
    await this.users.endSessions(user.id);
    response.setHeader('Set-Cookie', clearedSessionCookie(request.secure === true));
  }

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser) {
    return { id: user.id, name: user.name, permissions: user.permissions };
  }
}
