import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LicensedRegistry, LicenseService } from '@liberty/license';
import { AppConfigStore } from '../config/app-config.store.js';
import type { Connector } from './connector.js';

/** The connectors of app.toml; `visible()` is what the license lets users see now. */
@Injectable()
export class ConnectorRegistry extends LicensedRegistry<Connector> implements OnModuleInit {
  constructor(
    license: LicenseService,
    private readonly configStore: AppConfigStore,
  ) {
    super(license, 'connector');
  }

  onModuleInit(): void {
    for (const { id, name, licensed } of this.configStore.config.connectors) this.register({ id, name, licensed });
  }

  /** "Locked — requires license sap" when the connector is not usable now, else `null`. */
  lockedReason(connector: Connector): string | null {
    return this.isUsable(connector) ? null : `Locked — requires license ${connector.id}`;
  }
}
