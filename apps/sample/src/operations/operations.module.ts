import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LicenseMetricsModule } from '@liberty/license/prometheus';
import { LicenseHealthIndicator } from '@liberty/license/terminus';
import { Registry } from 'prom-client';
import { DatabaseHealthIndicator } from './database-health.indicator.js';
import { HealthController } from './health.controller.js';
import { METRICS_REGISTRY, MetricsController } from './metrics.controller.js';

/**
 * What operators watch: `GET /health` (Terminus: the license, up in every state; the database, down —
 * 503 — while it cannot be reached) and
 * `GET /metrics` (Prometheus text, permission `metrics:read`). Each app gets its own Registry, so
 * several apps in one process (the tests) never share metrics.
 */
@Module({})
export class OperationsModule {
  static forRoot(): DynamicModule {
    const registry = new Registry();
    return {
      module: OperationsModule,
      imports: [
        // Terminus would log every failed check (a line per /health call during an outage); the
        // database logs its outage once, when it starts and when it ends.
        TerminusModule.forRoot({ logger: false }),
        LicenseMetricsModule.forRoot({ registry }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [LicenseHealthIndicator, DatabaseHealthIndicator, { provide: METRICS_REGISTRY, useValue: registry }],
    };
  }
}
