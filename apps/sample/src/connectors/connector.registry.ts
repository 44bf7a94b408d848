import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LicensedRegistry, LicenseService } from '@liberty/license';
import { printable } from '@liberty/license/verify';
import { isDatabaseUnavailable } from '../database/database-availability.service.js';
import { AppConfigStore } from '../config/app-config.store.js';
import type { Connector } from './connector.interface.js';
import { ConnectorSettingsStore } from './connector-settings.store.js';

/** How often a replica re-reads the toggles other replicas may have changed. */
const REFRESH_MS = 2_000;

/**
 * The connectors of app.toml, with the `licensed` toggles stored in the database applied over
 * them; `visible()` is what the license lets users see now. Toggles made on another replica are
 * picked up within `REFRESH_MS` (one small SELECT).
 */
@Injectable()
export class ConnectorRegistry extends LicensedRegistry<Connector> implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('liberty.sample');
  private timer?: NodeJS.Timeout;

  constructor(
    license: LicenseService,
    private readonly configStore: AppConfigStore,
    private readonly settings: ConnectorSettingsStore,
  ) {
    super(license, 'connector');
  }

  async onModuleInit(): Promise<void> {
    for (const { id, name, licensed } of this.configStore.config.connectors) this.register({ id, name, licensed });
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((error: unknown) => this.warn(error)), REFRESH_MS);
    this.timer.unref();
  }

  override onModuleDestroy(): void {
    clearInterval(this.timer);
    super.onModuleDestroy();
  }

  /** Sets a connector's toggle: stored first, then applied. */
  async setLicensed(connector: Connector, licensed: boolean): Promise<Connector> {
    await this.settings.set(connector.id, licensed);
    const next = { ...connector, licensed };
    this.register(next);
    return next;
  }

  /** "Locked — requires license sap" when the connector is not usable now, else `null`. */
  lockedReason(connector: Connector): string | null {
    return this.isUsable(connector) ? null : `Locked — requires license ${connector.id}`;
  }

  /** Applies the stored toggles (only those that differ, so nothing recomputes for nothing). */
  private async refresh(): Promise<void> {
    for (const [id, licensed] of await this.settings.all()) {
      const connector = this.get(id);
      if (connector && connector.licensed !== licensed) this.register({ ...connector, licensed });
    }
  }

  private warn(error: unknown): void {
    if (isDatabaseUnavailable(error)) return; // the outage is logged once, by the database
    this.logger.warn(
      `connector settings not refreshed: "${printable(error instanceof Error ? error.message : String(error), 200)}"`,
    );
  }
}
