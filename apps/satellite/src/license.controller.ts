import { Controller, Get, Header, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { buildLicenseStatusView, licenseBanner } from '@liberty/license/status';
import { LicenseService, type LicenseState } from '@liberty/license';
import { AdminTokenGuard } from './admin-token.guard.js';
import type { SatelliteSettings } from './satellite.config.js';
import { SATELLITE_SETTINGS } from './satellite.constants.js';

/**
 * The satellite's license as it holds it (the hub's last answer). Never gated by the license.
 * What anyone may read: `/health` and `/api/license/status` (valid, expiry, the hub's banner
 * text). The full view and `refresh` need the admin token: they show the customer, the hub URL
 * and the warnings. The hub token never appears anywhere.
 */
@Controller()
export class LicenseController {
  constructor(
    private readonly license: LicenseService,
    @Inject(SATELLITE_SETTINGS) private readonly settings: SatelliteSettings,
  ) {}

  @Get('health')
  @Header('Cache-Control', 'no-store')
  health() {
    return { status: 'ok', license: this.license.state.status };
  }

  /** For everyone (PIKA's users see the same banner as the hub's): no customer, no warnings, no URL. */
  @Get('api/license/status')
  @Header('Cache-Control', 'no-store')
  status() {
    const state = this.license.state;
    return {
      product: this.settings.product,
      valid: state.status === 'accepted',
      expiresAt: state.expiresAt?.toISOString() ?? null,
      banner: licenseBanner(state).text,
    };
  }

  @Get('api/license')
  @Header('Cache-Control', 'no-store')
  @UseGuards(AdminTokenGuard)
  view() {
    return this.full(this.license.state);
  }

  /** Asks the hub now (whatever the retry backoff was waiting for). */
  @Post('api/license/refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @UseGuards(AdminTokenGuard)
  async refresh() {
    return this.full(await this.license.refresh());
  }

  private full(state: LicenseState) {
    return {
      ...buildLicenseStatusView(state),
      product: this.settings.product,
      licensed: state.entitlements.features.has(`product:${this.settings.product}`),
      banner: licenseBanner(state).text,
      hub: state.source ?? null,
    };
  }
}
