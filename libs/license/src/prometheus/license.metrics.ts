import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Counter, Gauge, type Metric, type Registry } from 'prom-client';
import type { Subscription } from 'rxjs';
import { LICENSE_LOGGER_CONTEXT } from '../license.constants.js';
import type { LicenseState } from '../interfaces/license-state.interface.js';
import { LicenseService } from '../license.service.js';
import { SEAT_COUNTER, type SeatCounter } from '../seats/seat-counter.interface.js';
import { AiUsageLimiter } from '../usage/ai-usage.limiter.js';
import { printable } from '../verification/rejection-reasons.util.js';

export interface LicenseMetricsOptions {
  /**
   * The host's prom-client `Registry`, the one its `/metrics` route serves. Required: the global
   * default registry is never used implicitly (pass prom-client's `register` to choose it).
   */
  registry: Registry;
}

export const LICENSE_METRICS_OPTIONS = Symbol('liberty.license.metrics-options');

/** The metric names. */
export const LICENSE_METRIC_NAMES = [
  'liberty_license_valid',
  'liberty_license_expiry_timestamp_seconds',
  'liberty_license_info',
  'liberty_license_seats_limit',
  'liberty_license_seats_used',
  'liberty_ai_messages_used',
  'liberty_ai_messages_limit',
  'liberty_license_verifications_total',
] as const;

/**
 * Keeps the license metrics on the host's registry. The license values are set from `state$`
 * when a snapshot changes, never computed from the token at scrape time. The two "used" values
 * are not part of the license: they are read at scrape time from the host's `SeatCounter` and
 * `AiUsageLimiter` (found anywhere in the app), and stay at their last value if that read fails.
 */
@Injectable()
export class LicenseMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LICENSE_LOGGER_CONTEXT);
  private readonly registry: Registry;
  private readonly metrics: Metric[] = [];
  private subscription?: Subscription;
  private lastVerifiedAt?: Date;
  private warned = new Set<string>();

  constructor(
    @Inject(LICENSE_METRICS_OPTIONS) options: LicenseMetricsOptions,
    private readonly license: LicenseService,
    private readonly moduleRef: ModuleRef,
  ) {
    this.registry = options.registry;
  }

  private readonly valid = new Gauge({
    name: 'liberty_license_valid',
    help: '1 when the license is accepted, else 0',
    registers: [],
  });
  private readonly expiry = new Gauge({
    name: 'liberty_license_expiry_timestamp_seconds',
    help: 'exp of the last verified license key, Unix seconds (0: no verified key)',
    registers: [],
  });
  private readonly info = new Gauge({
    name: 'liberty_license_info',
    help: 'The license status, customer and edition (value always 1)',
    labelNames: ['status', 'customer', 'edition'] as const,
    registers: [],
  });
  private readonly seatsLimit = new Gauge({
    name: 'liberty_license_seats_limit',
    help: 'Enabled-user cap of the license (0: no cap)',
    registers: [],
  });
  private readonly aiLimit = new Gauge({
    name: 'liberty_ai_messages_limit',
    help: 'AI messages per UTC day allowed by the license (0: no cap)',
    registers: [],
  });
  private readonly verifications = new Counter({
    name: 'liberty_license_verifications_total',
    help: 'License verifications (startup, re-verify, key change, expiry) by result',
    labelNames: ['result'] as const,
    registers: [],
  });

  onModuleInit(): void {
    const seats = this.find<SeatCounter>(SEAT_COUNTER);
    const usage = this.find<AiUsageLimiter>(AiUsageLimiter);
    const seatsUsed = new Gauge({
      name: 'liberty_license_seats_used',
      help: 'Enabled users now, as counted by the host',
      registers: [],
      collect: seats ? this.collector('seats', async (gauge) => gauge.set(await seats.enabledUsers())) : undefined,
    });
    const aiUsed = new Gauge({
      name: 'liberty_ai_messages_used',
      help: 'AI messages counted today (UTC)',
      registers: [],
      collect: usage ? this.collector('ai', async (gauge) => gauge.set(await usage.usedToday())) : undefined,
    });
    this.metrics.push(
      this.valid,
      this.expiry,
      this.info,
      this.seatsLimit,
      seatsUsed,
      aiUsed,
      this.aiLimit,
      this.verifications,
    );
    for (const metric of this.metrics) this.register(metric);
    this.subscription = this.license.state$.subscribe((state) => this.update(state));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    // Only our own metrics: another app in the process may have replaced them since.
    for (const metric of this.metrics.splice(0)) {
      const name = (metric as unknown as { name: string }).name;
      if (this.registry.getSingleMetric(name) === metric) this.registry.removeSingleMetric(name);
    }
  }

  private update(state: LicenseState): void {
    if (state.verifiedAt !== this.lastVerifiedAt) {
      this.lastVerifiedAt = state.verifiedAt;
      this.verifications.inc({ result: state.status });
    }
    this.valid.set(state.status === 'accepted' ? 1 : 0);
    this.expiry.set(state.expiresAt ? Math.floor(state.expiresAt.getTime() / 1000) : 0);
    this.info.reset();
    this.info.set(
      {
        status: state.status,
        customer: state.claims?.customer ?? '',
        edition: state.claims?.edition ?? state.claims?.tier ?? '',
      },
      1,
    );
    this.seatsLimit.set(state.entitlements.maxUsers ?? 0);
    this.aiLimit.set(state.entitlements.aiMessagesPerDay ?? 0);
  }

  /**
   * Registering twice in one process is not an error for the host (an app created again, two
   * apps on one registry): the newest module's metric replaces the older one.
   */
  private register(metric: Metric): void {
    const name = (metric as unknown as { name: string }).name;
    if (this.registry.getSingleMetric(name)) this.registry.removeSingleMetric(name);
    this.registry.registerMetric(metric);
  }

  private find<T>(token: symbol | (abstract new (...args: never[]) => T)): T | undefined {
    try {
      return this.moduleRef.get<T>(token, { strict: false });
    } catch {
      return undefined; // the app has none: the metric stays at 0
    }
  }

  /** A scrape-time read that never fails the scrape: an error is logged once and the value kept. */
  private collector(what: string, read: (gauge: Gauge) => Promise<unknown>) {
    const logger = this.logger;
    const warned = this.warned;
    return async function collect(this: Gauge) {
      try {
        await read(this);
        warned.delete(what);
      } catch (error) {
        if (!warned.has(what))
          logger.warn(
            `metrics: cannot read ${what} usage (${printable(error instanceof Error ? error.message : String(error), 200)})`,
          );
        warned.add(what);
      }
    };
  }
}
