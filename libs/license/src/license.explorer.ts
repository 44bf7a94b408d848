import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { filter, type Subscription } from 'rxjs';
import { LICENSE_LOGGER_CONTEXT } from './license.constants.js';
import { printable } from './verification/rejection-reasons.js';
import { type LicenseEvent, type LicenseEventType } from './interfaces/license-events.interface.js';
import { LICENSE_EVENT_TYPES } from './license.constants.js';
import { describeBadFeature, parseFeature } from './state/license-feature.util.js';
import { LicenseConfigurationError } from './options/license-configuration.error.js';
import { LicenseService } from './license.service.js';
import { LICENSE_EVENT_HANDLER } from './decorators/on-license-event.decorator.js';
import { RequiresLicense } from './decorators/requires-license.decorator.js';

type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];

/** The class behind a controller or class provider; none for values and factories. */
function classOf(wrapper: InstanceWrapper): (Function & { prototype: object }) | undefined {
  if (wrapper.isFactory || wrapper.isNotMetatype) return undefined;
  const metatype = wrapper.metatype as Function | null | undefined;
  return typeof metatype === 'function' && metatype.prototype ? (metatype as Function & { prototype: object }) : undefined;
}

/**
 * Runs once at startup: checks every `@RequiresLicense()` feature string (a typo fails the boot,
 * naming the controller and handler) and binds every `@OnLicenseEvent()` handler to the bus.
 */
@Injectable()
export class LicenseExplorer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(LICENSE_LOGGER_CONTEXT);
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly license: LicenseService,
  ) {}

  onModuleInit(): void {
    this.checkRequirements();
    this.bindEventHandlers();
  }

  onApplicationShutdown(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
  }

  /**
   * Controllers (HTTP and microservice) and providers (GraphQL resolvers, WebSocket gateways, and
   * anything else a guard may run on): every class that carries `@RequiresLicense`.
   */
  private checkRequirements(): void {
    const seen = new Set<Function>();
    for (const wrapper of [...this.discovery.getControllers(), ...this.discovery.getProviders()]) {
      const owner = classOf(wrapper);
      if (!owner || seen.has(owner)) continue;
      seen.add(owner);
      this.checkFeatures(this.reflector.get(RequiresLicense, owner), owner.name);
      for (const method of this.scanner.getAllMethodNames(owner.prototype)) {
        const handler = (owner.prototype as Record<string, unknown>)[method];
        if (typeof handler !== 'function') continue;
        this.checkFeatures(this.reflector.get(RequiresLicense, handler), `${owner.name}.${method}`);
      }
    }
  }

  private checkFeatures(features: readonly string[] | undefined, where: string): void {
    for (const feature of features ?? []) {
      if (!parseFeature(feature)) {
        throw new LicenseConfigurationError(`@RequiresLicense on ${where}: ${describeBadFeature(feature)}`);
      }
    }
  }

  private bindEventHandlers(): void {
    // Controllers too: a microservice or HTTP controller may react to license events.
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const { instance } = wrapper;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[method];
        if (typeof handler !== 'function') continue;
        const type = this.reflector.get<LicenseEventType | undefined>(LICENSE_EVENT_HANDLER, handler);
        if (!type) continue;
        const where = `${instance.constructor?.name ?? 'provider'}.${method}`;
        if (!LICENSE_EVENT_TYPES.includes(type)) {
          throw new LicenseConfigurationError(`@OnLicenseEvent on ${where}: unknown event type "${type}"`);
        }
        if (!wrapper.isDependencyTreeStatic()) {
          this.logger.warn(`@OnLicenseEvent on ${where} ignored: request-scoped providers cannot listen`);
          continue;
        }
        this.subscriptions.push(
          this.license.events$
            .pipe(filter((event): event is LicenseEvent => event.type === type))
            .subscribe((event) => this.invoke(where, () => (handler as (e: LicenseEvent) => unknown).call(instance, event))),
        );
      }
    }
  }

  /** A user handler's error (sync or async) is logged and contained. */
  private invoke(where: string, call: () => unknown): void {
    try {
      const result = call();
      if (result instanceof Promise) result.catch((error: unknown) => this.reportHandlerError(where, error));
    } catch (error) {
      this.reportHandlerError(where, error);
    }
  }

  private reportHandlerError(where: string, error: unknown): void {
    this.logger.error(`@OnLicenseEvent handler ${where} failed: ${printable(error instanceof Error ? error.message : String(error), 500)}`);
  }
}
