import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { UsersModule } from '../users/users.module.js';
import { AccessPolicy } from './access.policy.js';
import { AuthGuard } from './auth.guard.js';
import {
  AUTH_RATE_LIMIT,
  AUTH_RATE_WINDOW_MS,
  AuthFailureThrottle,
  authRateLimitFrom,
} from './auth-failure.limiter.js';
import { PermissionsController } from './permissions.controller.js';
import { SameOriginGuard } from './same-origin.guard.js';
import { SessionController } from './session.controller.js';
import { SessionStore } from './session.store.js';

@Module({
  imports: [
    UsersModule,
    // Sign-in attempts per client: LIBERTY_AUTH_RATE_LIMIT a minute (default 10); one window's
    // block once exceeded. Only the sign-in route uses the guard (SignInThrottlerGuard).
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        throttlers: [
          {
            ttl: AUTH_RATE_WINDOW_MS,
            limit: authRateLimitFrom(config.get('LIBERTY_AUTH_RATE_LIMIT')),
            blockDuration: AUTH_RATE_WINDOW_MS,
          },
        ],
      }),
    }),
  ],
  controllers: [SessionController, PermissionsController],
  providers: [
    SessionStore,
    AuthFailureThrottle,
    AccessPolicy,
    {
      provide: AUTH_RATE_LIMIT,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => authRateLimitFrom(config.get('LIBERTY_AUTH_RATE_LIMIT')),
    },
    // Order matters: a cross-origin or form-encoded request is refused before anything else.
    { provide: APP_GUARD, useClass: SameOriginGuard },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AccessPolicy],
})
export class AuthModule {}
