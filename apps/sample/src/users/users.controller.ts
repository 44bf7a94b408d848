import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { Permissions } from '../auth/permissions.decorator.js';
import { SeatedUserWrites } from './seated-user-writes.js';
import { CreateUserDto, UpdateUserDto } from './users.dto.js';
import { UsersService } from './users.service.js';

@Controller('api/users')
@Permissions('users:write')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly writes: SeatedUserWrites,
  ) {}

  @Get()
  list() {
    return this.users.list();
  }

  /** 201 with the new user's token (shown once); 402 SEAT_LIMIT_REACHED at the cap. */
  @Post()
  @HttpCode(201)
  create(@Body() dto: CreateUserDto) {
    return this.writes.create(dto);
  }

  /** 402 SEAT_LIMIT_REACHED when re-enabling beyond the cap; disabling frees a seat. */
  @Patch(':id')
  update(@Param('id') id: string, @Body() dto: UpdateUserDto) {
    return this.writes.update(id, dto);
  }
}
