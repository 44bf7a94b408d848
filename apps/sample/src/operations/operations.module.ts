import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LicenseMetricsModule } from '@liberty/license/prometheus';
import { LicenseHealthIndicator } from '@liberty/license/terminus';
import { Registry } from 'prom-client';
import { HealthController } from './health.controller.js';
import { METRICS_REGISTRY, MetricsController } from './metrics.controller.js';

/**
 * What operators watch: `GET /health` (Terminus, license indicator up in every state) and
 * `GET /metrics` (Prometheus text, permission `metrics:read`). Each app gets its own Registry, so
 * several apps in one process (the tests) never share metrics.
 */
@Module({})
export class OperationsModule {
  static forRoot(): DynamicModule {
    const registry = new Registry();
    return {
      module: OperationsModule,
      imports: [TerminusModule, LicenseMetricsModule.forRoot({ registry })],
      controllers: [HealthController, MetricsController],
      providers: [LicenseHealthIndicator, { provide: METRICS_REGISTRY, useValue: registry }],
    };
  }
}
