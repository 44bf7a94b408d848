import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { LicenseService, toAidooStatus } from '@liberty/license';
import { Permissions } from '../auth/permissions.decorator.js';
import { LicenseOverviewService } from './license-overview.service.js';

@Controller('api/license')
export class LicenseController {
  constructor(
    private readonly overview: LicenseOverviewService,
    private readonly license: LicenseService,
  ) {}

  /** The License tab as JSON. */
  @Get()
  @Permissions('license:read')
  view() {
    return this.overview.view();
  }

  /**
   * The ai.doo shape, for satellite services that cache it for an hour — in their own client
   * (`hub.refreshSeconds`), not through HTTP caching: like every API response it is `no-store`
   * (issue 13), so a browser or proxy never serves a stale status after a re-verify.
   */
  @Get('status')
  @Permissions('license:read')
  status() {
    return toAidooStatus(this.license.state);
  }

  @Post('reverify')
  @HttpCode(200)
  @Permissions('license:write')
  reverify() {
    return this.overview.reverify();
  }
}
