import { Controller, Get } from '@nestjs/common';
import { LicenseService } from '@liberty/license';
// The banner texts live in the library, so that the hub's pages and its satellites say the same.
import { licenseBanner, type LicenseBanner } from '@liberty/license/status';
import type { AuthenticatedUser } from '../auth/authenticated-user.interface.js';
import { CurrentUser } from '../auth/current-user.decorator.js';

/**
 * `GET /api/license/banner`: the header banner of every page, for any signed-in user (a user
 * without `license:read` still sees that a rejected key turned licensed features off; no claim is
 * disclosed). Notices that ask for an action (no key, expiring, grace) go to `license:read` holders.
 */
@Controller('api/license')
export class LicenseBannerController {
  constructor(private readonly license: LicenseService) {}

  @Get('banner')
  banner(@CurrentUser() user: AuthenticatedUser): LicenseBanner {
    return licenseBanner(this.license.state, { canAct: user.permissions.includes('license:read') });
  }
}
