import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { SatelliteSettings } from './satellite.config.js';
import { SATELLITE_SETTINGS } from './satellite.constants.js';

/**
 * The satellite's admin routes (its license view, refresh) take `Authorization: Bearer
 * <LIBERTY_ADMIN_TOKEN>`, like the sample app's admin. Without `LIBERTY_ADMIN_TOKEN` nobody is
 * admin: the routes answer 401. Compared as SHA-256 digests in constant time.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(@Inject(SATELLITE_SETTINGS) settings: SatelliteSettings) {
    if (settings.adminToken) this.expected = digest(settings.adminToken);
  }

  /** Whether the request carries the admin token (also used by routes that answer less without it). */
  isAdmin(request: { headers: Record<string, string | string[] | undefined> }): boolean {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]{1,512})$/.exec(header) : null;
    return !!this.expected && !!match && timingSafeEqual(digest(match[1]), this.expected);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.isAdmin(context.switchToHttp().getRequest())) return true;
    throw new UnauthorizedException('an admin token is required (Authorization: Bearer <LIBERTY_ADMIN_TOKEN>)');
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
