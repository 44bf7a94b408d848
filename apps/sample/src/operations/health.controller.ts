import { Controller, Get, Header } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { LicenseHealthIndicator } from '@liberty/license/terminus';
import { Public } from '../auth/permissions.decorator.js';

/**
 * Terminus health check. 200 in every license state: restricted mode is a normal, healthy mode
 * (a liveness probe must not restart a product because its key expired). A readiness gate that
 * wants traffic only with a valid license would pass `{ downWhen: ['not-configured', 'rejected'] }`.
 */
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly license: LicenseHealthIndicator,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @HealthCheck()
  check() {
    return this.health.check([() => this.license.isHealthy('license')]);
  }
}
