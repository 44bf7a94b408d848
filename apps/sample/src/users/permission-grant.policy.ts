import { ForbiddenException, HttpStatus } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.interface.js';
import type { Permission } from '../auth/permissions.constants.js';

/**
 * Who may give which permissions (finding 3: `users:write` alone was full admin). Rules:
 * * nobody grants a permission they do not hold (creating a user or changing one);
 * * nobody changes their own permissions (no self-escalation, no locking oneself out);
 * * nobody changes a user who holds a permission they do not hold (no demoting, disabling or
 *   renaming a more powerful user).
 * The admin holds every permission, so it may do all of this for others.
 */
export class PermissionGrantPolicy {
  /** Creating a user with `permissions`. */
  static checkCreate(actor: AuthenticatedUser, permissions: readonly Permission[]): void {
    PermissionGrantPolicy.checkHeld(actor, permissions);
  }

  /** Changing user `targetId` (holding `targetPermissions`); `permissions` when they change. */
  static checkUpdate(
    actor: AuthenticatedUser,
    targetId: string,
    targetPermissions: readonly Permission[],
    permissions: readonly Permission[] | undefined,
  ): void {
    if (permissions !== undefined && targetId === actor.id) {
      throw denied('Nobody can change their own permissions; ask another administrator');
    }
    const stronger = targetPermissions.find((p) => !actor.permissions.includes(p));
    if (stronger)
      throw denied(`User ${targetId} holds ${stronger}, which you do not hold; you cannot change that user`, stronger);
    if (permissions) PermissionGrantPolicy.checkHeld(actor, permissions);
  }

  private static checkHeld(actor: AuthenticatedUser, permissions: readonly Permission[]): void {
    const missing = permissions.find((p) => !actor.permissions.includes(p));
    if (missing) throw denied(`You cannot grant ${missing}: you do not hold it`, missing);
  }
}

function denied(message: string, permission?: Permission): ForbiddenException {
  return new ForbiddenException({
    statusCode: HttpStatus.FORBIDDEN,
    code: 'PERMISSION_GRANT_DENIED',
    ...(permission ? { permission } : {}),
    message,
  });
}
