import { Controller, Get, Header } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { LicenseHealthIndicator } from '@liberty/license/terminus';
import { Public } from '../auth/permissions.decorator.js';
import { DatabaseHealthIndicator } from './database-health.indicator.js';

/**
 * Terminus health check: 503 while the database cannot be reached (an outage is not healthy), and
 * 200 otherwise in every license state: restricted mode is a normal, healthy mode
 * (a liveness probe must not restart a product because its key expired). A readiness gate that
 * wants traffic only with a valid license would pass `{ downWhen: ['not-configured', 'rejected'] }`.
 */
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly license: LicenseHealthIndicator,
    private readonly database: DatabaseHealthIndicator,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @HealthCheck()
  check() {
    return this.health.check([() => this.license.isHealthy('license'), () => this.database.isHealthy('database')]);
  }
}
