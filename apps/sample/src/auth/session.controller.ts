import type { ServerResponse } from 'node:http';
import { Body, Controller, Delete, Get, HttpCode, Post, Res, UnauthorizedException } from '@nestjs/common';
import { UsersService } from '../users/users.service.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { CurrentUser } from './current-user.decorator.js';
import { Public } from './permissions.decorator.js';
import { SessionDto } from './session.dto.js';
import { clearedSessionCookie, sessionCookie } from './session-cookie.js';

@Controller('api')
export class SessionController {
  constructor(private readonly users: UsersService) {}

  /** Signs in a browser: a valid token is set as the HttpOnly `liberty_token` cookie (204), else 401. */
  @Post('session')
  @Public()
  @HttpCode(204)
  async signIn(@Body() dto: SessionDto, @Res({ passthrough: true }) response: ServerResponse): Promise<void> {
    if (!(await this.users.authenticate(dto.token))) {
      throw new UnauthorizedException({ statusCode: 401, message: 'Invalid or disabled token' });
    }
    response.setHeader('Set-Cookie', sessionCookie(dto.token));
  }

  /** Signs out: clears the cookie (204). */
  @Delete('session')
  @Public()
  @HttpCode(204)
  signOut(@Res({ passthrough: true }) response: ServerResponse): void {
    response.setHeader('Set-Cookie', clearedSessionCookie());
  }

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser) {
    return { id: user.id, name: user.name, permissions: user.permissions };
  }
}
