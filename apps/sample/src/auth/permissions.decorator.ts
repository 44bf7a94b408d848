import { Reflector } from '@nestjs/core';
import type { Permission } from './permissions.constants.js';

export type { Permission } from './permissions.constants.js';
export { PERMISSIONS } from './permissions.constants.js';

/** Metadata of `@Permissions()`. */
export const RequiredPermissions = Reflector.createDecorator<readonly Permission[]>();
/** Metadata of `@Public()`. */
export const PublicRoute = Reflector.createDecorator<boolean>();

/**
 * The route needs an authenticated user holding every listed permission (on a controller and a
 * handler, both lists apply). Without a token: 401; without a permission: 403 PERMISSION_REQUIRED.
 */
export const Permissions = (...permissions: Permission[]): ClassDecorator & MethodDecorator =>
  RequiredPermissions(permissions);

/** The route needs no authentication. Routes with neither decorator need any authenticated user. */
export const Public = (): ClassDecorator & MethodDecorator => PublicRoute(true);
