import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit, type Type } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { ApplicationConfig, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { filter, type Subscription } from 'rxjs';
import { LICENSE_LOGGER_CONTEXT } from './license.constants.js';
import { printable } from './verification/rejection-reasons.util.js';
import { type LicenseEvent, type LicenseEventType } from './interfaces/license-events.interface.js';
import { LICENSE_EVENT_TYPES } from './license.constants.js';
import { describeBadFeature, parseFeature } from './state/license-feature.util.js';
import { LicenseConfigurationError } from './options/license-configuration.error.js';
import { LicenseService } from './license.service.js';
import { LICENSE_EVENT_HANDLER } from './decorators/on-license-event.decorator.js';
import { RequiresLicense } from './decorators/requires-license.decorator.js';
import { LicenseGuard } from './license.guard.js';

type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];

/** The class behind a controller or class provider; none for values and factories. */
function classOf(wrapper: InstanceWrapper): Type | undefined {
  if (wrapper.isFactory || wrapper.isNotMetatype) return undefined;
  const metatype = wrapper.metatype as Type | null | undefined;
  return typeof metatype === 'function' && metatype.prototype ? metatype : undefined;
}

/** A guard given as a class or an instance, that is (or extends) `LicenseGuard`. */
function isLicenseGuard(guard: unknown): boolean {
  const type = typeof guard === 'function' ? guard : (guard as { constructor?: unknown } | null)?.constructor;
  return typeof type === 'function' && (type === LicenseGuard || type.prototype instanceof LicenseGuard);
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
    private readonly appConfig: ApplicationConfig,
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
    const seen = new Set<Type>();
    for (const wrapper of [...this.discovery.getControllers(), ...this.discovery.getProviders()]) {
      const owner = classOf(wrapper);
      if (!owner || seen.has(owner)) continue;
      seen.add(owner);
      const onClass = this.reflector.get(RequiresLicense, owner);
      this.checkFeatures(onClass, owner.name);
      for (const method of this.scanner.getAllMethodNames(owner.prototype as object)) {
        const handler = (owner.prototype as Record<string, unknown>)[method];
        if (typeof handler !== 'function') continue;
        const onHandler = this.reflector.get(RequiresLicense, handler);
        this.checkFeatures(onHandler, `${owner.name}.${method}`);
        if (onClass !== undefined || onHandler !== undefined)
          this.warnIfOpen(owner, handler, `${owner.name}.${method}`, onHandler ?? onClass);
      }
    }
  }

  /**
   * A requirement nothing enforces is a route left open without a word: warn at startup, naming the
   * handler, when no `LicenseGuard` is in its chain (route, controller or global) or the list is empty.
   */
  private warnIfOpen(owner: Type, handler: object, where: string, features: readonly string[] | undefined): void {
    if (features !== undefined && features.length === 0) {
      this.logger.warn(`@RequiresLicense([]) on ${printable(where, 200)} requires nothing: the route is open`);
      return;
    }
    const guards = [
      ...this.appConfig.getGlobalGuards(),
      ...((Reflect.getMetadata(GUARDS_METADATA, owner) as unknown[] | undefined) ?? []),
      ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[] | undefined) ?? []),
    ];
    if (!guards.some(isLicenseGuard)) {
      this.logger.warn(
        `@RequiresLicense on ${printable(where, 200)} has no LicenseGuard in its chain, so it is not enforced: ` +
          'add @UseGuards(LicenseGuard) to the route or its controller, or provide it as APP_GUARD',
      );
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
      const instance: unknown = wrapper.instance;
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
            .subscribe((event) =>
              this.invoke(where, () => (handler as (e: LicenseEvent) => unknown).call(instance, event)),
            ),
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
    this.logger.error(
      `@OnLicenseEvent handler ${where} failed: ${printable(error instanceof Error ? error.message : String(error), 500)}`,
    );
  }
}
