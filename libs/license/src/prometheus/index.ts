// @liberty/license/prometheus: license metrics on the host's prom-client Registry.
// prom-client is an optional peer dependency, loaded only by apps that import this entry.
export { LicenseMetricsModule } from './license-metrics.module.js';
export {
  LicenseMetrics,
  LICENSE_METRIC_NAMES,
  LICENSE_METRICS_OPTIONS,
  type LicenseMetricsOptions,
} from './license.metrics.js';
