import { Module, type DynamicModule } from '@nestjs/common';
import { LicenseConfigurationError } from '../options/license-configuration.error.js';
import { LICENSE_METRICS_OPTIONS, LicenseMetrics, type LicenseMetricsOptions } from './license.metrics.js';

/**
 * `LicenseMetricsModule.forRoot({ registry })`: the license metrics on the host's
 * prom-client `Registry`. Needs `LicenseModule` in the app (for `LicenseService`).
 */
@Module({})
export class LicenseMetricsModule {
  static forRoot(options: LicenseMetricsOptions): DynamicModule {
    if (!options || typeof options.registry?.registerMetric !== 'function') {
      throw new LicenseConfigurationError(
        'LicenseMetricsModule.forRoot: "registry" must be a prom-client Registry (the default registry is never used implicitly; pass prom-client\'s `register` to choose it)',
      );
    }
    return {
      module: LicenseMetricsModule,
      providers: [{ provide: LICENSE_METRICS_OPTIONS, useValue: options }, LicenseMetrics],
      exports: [LicenseMetrics],
    };
  }
}
