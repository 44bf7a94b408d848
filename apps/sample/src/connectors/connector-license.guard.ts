import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { LicenseGuard, LicenseService } from '@liberty/license';
import { parseFeature } from '@liberty/license/verify';
import { ConnectorRegistry } from './connector.registry.js';

/**
 * `LicenseGuard` for connector routes, through its `requirementOf` extension point:
 * * a `@RequiresLicense('connector:<id>')` requirement is dropped while the connector is defined
 *   with `licensed = false` (the settings toggle decides whether it needs the key at all);
 * * on routes with an `:id` parameter naming a licensed connector, `connector:<id>` is required.
 * Locked routes answer the library's 403 `LICENSE_REQUIRED` body.
 */
@Injectable()
export class ConnectorLicenseGuard extends LicenseGuard {
  constructor(
    reflector: Reflector,
    license: LicenseService,
    private readonly connectors: ConnectorRegistry,
  ) {
    super(reflector, license);
  }

  protected override requirementOf(context: ExecutionContext): readonly string[] {
    const required = super.requirementOf(context).filter((feature) => {
      const parsed = parseFeature(feature);
      return parsed?.namespace !== 'connector' || this.connectors.get(parsed.id)?.licensed !== false;
    });
    // Only HTTP routes have path parameters (GraphQL's and WebSocket's "request" is something else).
    const id =
      context.getType() === 'http'
        ? context.switchToHttp().getRequest<{ params?: Record<string, string> }>().params?.id
        : undefined;
    const connector = id === undefined ? undefined : this.connectors.get(id);
    return connector?.licensed ? [...required, this.connectors.featureOf(connector.id)] : required;
  }
}
