import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UsersModule } from '../users/users.module.js';
import { AuthGuard } from './auth.guard.js';
import { PermissionsController } from './permissions.controller.js';
import { SessionController } from './session.controller.js';

@Module({
  imports: [UsersModule],
  controllers: [SessionController, PermissionsController],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
