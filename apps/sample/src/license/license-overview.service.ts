import { Injectable } from '@nestjs/common';
import { AiUsageLimiter, buildLicenseStatusView, LicenseService, type LicenseStatusView } from '@liberty/license';
import { ConnectorRegistry } from '../connectors/connector-registry.js';
import { AppRegistry } from '../packaged-apps/app-registry.js';
import { UsersService } from '../users/users.service.js';

/** The License tab: the library's view, plus whether a key can be activated by paste here. */
export type LicenseTabView = LicenseStatusView & {
  /** True with `key_store = "database"`: the page offers the activation form. */
  activation: boolean;
};

/** The License tab's model: the license snapshot with what this install defines and uses. */
@Injectable()
export class LicenseOverviewService {
  constructor(
    private readonly license: LicenseService,
    private readonly connectors: ConnectorRegistry,
    private readonly apps: AppRegistry,
    private readonly users: UsersService,
    private readonly aiUsage: AiUsageLimiter,
  ) {}

  async view(): Promise<LicenseTabView> {
    const view = buildLicenseStatusView(this.license.state, {
      definedConnectors: this.connectors.all().map((c) => c.id),
      definedApps: this.apps.all().map((a) => a.id),
      userCount: await this.users.enabledUsers(),
      aiUsedToday: await this.aiUsage.usedToday(),
    });
    return { ...view, activation: this.license.activationAvailable };
  }

  /** Re-reads the variable (or its _FILE) and the public key, re-verifies, returns the new view. */
  async reverify(): Promise<LicenseTabView> {
    await this.license.reverify();
    return this.view();
  }
}
