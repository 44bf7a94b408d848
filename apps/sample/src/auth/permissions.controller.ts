import { Controller, Get } from '@nestjs/common';
import { Permissions } from './permissions.decorator.js';
import { PERMISSIONS, type Permission } from './permissions.constants.js';

/** `GET /api/permissions`: every permission a user can be given (the Users page's checkboxes). */
@Controller('api/permissions')
@Permissions('users:write')
export class PermissionsController {
  @Get()
  list(): readonly Permission[] {
    return PERMISSIONS;
  }
}
