import { Controller, Get } from '@nestjs/common';
import { LicenseService } from '@liberty/license';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { licenseBanner, type LicenseBanner } from './license-banner.js';

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
