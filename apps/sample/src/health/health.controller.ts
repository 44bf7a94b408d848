import { Controller, Get, Header } from '@nestjs/common';
import { LicenseService } from '@liberty/license';
import { Public } from '../auth/permissions.decorator.js';

/** 200 in every license state: restricted mode is a normal, healthy mode. */
@Controller('health')
@Public()
export class HealthController {
  constructor(private readonly license: LicenseService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  health() {
    return { status: 'ok', license: this.license.state.status };
  }
}
