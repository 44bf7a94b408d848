import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.interface.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Permissions } from '../auth/permissions.decorator.js';
import { PermissionGrantPolicy } from './permission-grant.policy.js';
import { SeatedUserWrites } from './seated-user-writes.service.js';
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

  /**
   * 201 with the new user's token (shown once); 402 SEAT_LIMIT_REACHED at the cap; 403
   * PERMISSION_GRANT_DENIED for a permission the caller does not hold.
   */
  @Post()
  @HttpCode(201)
  create(@Body() dto: CreateUserDto, @CurrentUser() actor: AuthenticatedUser) {
    PermissionGrantPolicy.checkCreate(actor, dto.permissions);
    return this.writes.create(dto);
  }

  /**
   * 402 SEAT_LIMIT_REACHED when re-enabling beyond the cap; disabling frees a seat. 403
   * PERMISSION_GRANT_DENIED for one's own permissions, a user stronger than the caller, or a
   * permission the caller does not hold.
   */
  @Patch(':id')
  async update(@Param('id') id: string, @Body() dto: UpdateUserDto, @CurrentUser() actor: AuthenticatedUser) {
    PermissionGrantPolicy.checkUpdate(actor, id, await this.users.permissionsOf(id), dto.permissions);
    return this.writes.update(id, dto);
  }

  /**
   * 204: the user, its token and its sessions are gone and its seat is free. 404 unknown; 409
   * LAST_ADMIN for the last admin (deleting oneself included); 403 for a user holding a permission
   * the caller does not hold (the same rule as changing one).
   */
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string, @CurrentUser() actor: AuthenticatedUser): Promise<void> {
    PermissionGrantPolicy.checkUpdate(actor, id, await this.users.permissionsOf(id), undefined);
    await this.writes.remove(id);
  }
}
