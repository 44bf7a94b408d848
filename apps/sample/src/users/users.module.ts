import { Module } from '@nestjs/common';
import { SEAT_COUNTER, SeatLimiter } from '@liberty/license';
import { SeatedUserWrites } from './seated-user-writes.service.js';
import { SeatsController } from './seats.controller.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  controllers: [UsersController, SeatsController],
  providers: [UsersService, SeatedUserWrites, SeatLimiter, { provide: SEAT_COUNTER, useExisting: UsersService }],
  exports: [UsersService, SeatLimiter],
})
export class UsersModule {}
