import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext, type HttpException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { LICENSE_REQUIRED } from './license.constants.js';
import { LicenseService } from './license.service.js';
import { RequiresLicense } from './requires-license.decorator.js';

const NONE: readonly string[] = [];

/**
 * Enforces `@RequiresLicense()`. Use it per route, per controller or as `APP_GUARD`.
 *
 * The requirement of each (controller, handler) pair is read from metadata once and cached, so a
 * request costs two WeakMap lookups and a Set lookup per required feature.
 */
@Injectable()
export class LicenseGuard implements CanActivate {
  private readonly requirements = new WeakMap<object, WeakMap<object, readonly string[]>>();

  constructor(
    protected readonly reflector: Reflector,
    protected readonly license: LicenseService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.requirementOf(context);
    if (required.length === 0 || this.license.enforcement === 'soft') return true;
    for (const feature of required) {
      if (!this.license.isLicensed(feature)) throw this.lockedException(feature);
    }
    return true;
  }

  /** The features a route needs: the handler's and its controller's, merged. */
  protected requirementOf(context: ExecutionContext): readonly string[] {
    const controller = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.requirements.get(controller);
    if (!byHandler) this.requirements.set(controller, (byHandler = new WeakMap()));
    let required = byHandler.get(handler);
    if (!required) {
      const merged = this.reflector.getAllAndMerge(RequiresLicense, [controller, handler]) as readonly string[];
      required = merged.length > 0 ? Object.freeze([...new Set(merged)]) : NONE;
      byHandler.set(handler, required);
    }
    return required;
  }

  /** The 403 for a missing feature (DESIGN.md section 5). Override to change the body. */
  protected lockedException(feature: string): HttpException {
    const state = this.license.state;
    return new ForbiddenException({
      statusCode: 403,
      code: LICENSE_REQUIRED,
      feature,
      message: `Locked — requires license ${feature}`,
      licenseStatus: state.status,
      reason: state.reason ?? null,
    });
  }
}
