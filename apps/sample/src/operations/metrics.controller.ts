import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { Permissions } from '../auth/permissions.decorator.js';

export const METRICS_REGISTRY = Symbol('sample.metrics-registry');

/**
 * Prometheus scrape endpoint. Needs permission `metrics:read` (give the scraper a service account
 * holding only that, and its token as `authorization.credentials_file`). We chose a permission
 * over "open on loopback": behind a reverse proxy on the same host every request is loopback, and
 * the metrics name the customer and its seat usage.
 */
@Controller('metrics')
@Permissions('metrics:read')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async metrics(@Res({ passthrough: true }) response: { type(contentType: string): unknown }): Promise<string> {
    response.type(this.registry.contentType);
    return this.registry.metrics();
  }
}
