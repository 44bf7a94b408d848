import { Controller, Get } from '@nestjs/common';
import { LicenseService } from '@liberty/license';
import { licenseBanner, type LicenseBanner } from './license-banner.js';

/**
 * `GET /api/license/banner`: the header banner of every page, for any signed-in user (a user
 * without `license:read` still sees that the app runs restricted; no claim is disclosed).
 */
@Controller('api/license')
export class LicenseBannerController {
  constructor(private readonly license: LicenseService) {}

  @Get('banner')
  banner(): LicenseBanner {
    return licenseBanner(this.license.state);
  }
}
