import { Controller, Get, Header } from '@nestjs/common';
import { buildLicenseStatusView, LicenseService } from '@liberty/license';

/**
 * The satellite's license as it holds it (the hub's last answer, its warnings, where it came
 * from). Never gated; it holds no key, and the hub token never appears in it.
 */
@Controller()
export class LicenseController {
  constructor(private readonly license: LicenseService) {}

  @Get('health')
  @Header('Cache-Control', 'no-store')
  health() {
    return { status: 'ok', license: this.license.state.status };
  }

  @Get('api/license')
  @Header('Cache-Control', 'no-store')
  view() {
    const state = this.license.state;
    return { ...buildLicenseStatusView(state), hub: state.source ?? null };
  }
}
