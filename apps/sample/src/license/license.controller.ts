import {
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  UnprocessableEntityException,
} from '@nestjs/common';
import { LicenseActivationError, LicenseService, ReadOnlyKeyStoreError } from '@liberty/license';
import { toAidooStatus } from '@liberty/license/status';
import { Permissions } from '../auth/permissions.decorator.js';
import { ActivateLicenseDto } from './activation.dto.js';
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

  /**
   * Activation by paste (`key_store = "database"`): 200 with the License tab, or 422
   * `LICENSE_REJECTED` with the reason (nothing changed), or 409 `KEY_STORE_READ_ONLY` when the
   * key comes from the environment. The key is never echoed.
   */
  @Post('activate')
  @HttpCode(200)
  @Permissions('license:write')
  async activate(@Body() body: ActivateLicenseDto) {
    await refusals(() => this.license.activate(body.token));
    return this.overview.view();
  }

  /** Removes the activated key: 200 with the License tab (not configured), or 409 with the environment store. */
  @Delete('activation')
  @Permissions('license:write')
  async deactivate() {
    await refusals(() => this.license.deactivate());
    return this.overview.view();
  }
}

/** The library's refusals as HTTP answers; anything else (a database error) stays a 500. */
async function refusals(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof LicenseActivationError) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        code: error.code,
        reason: error.reason,
        message: `License rejected — ${error.reason}`,
      });
    }
    if (error instanceof ReadOnlyKeyStoreError) {
      throw new ConflictException({ statusCode: 409, code: error.code, message: error.message });
    }
    throw error;
  }
}
