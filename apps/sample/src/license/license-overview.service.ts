import { Injectable } from '@nestjs/common';
import { AiUsageLimiter, buildLicenseStatusView, LicenseService, type LicenseStatusView, type ReplicaPresence } from '@liberty/license';
import { ConnectorRegistry } from '../connectors/connector-registry.js';
import { AppRegistry } from '../packaged-apps/app-registry.js';
import { ReplicaDirectory, type ReplicaBusStatus } from '../replicas/replicas.module.js';
import { UsersService } from '../users/users.service.js';

/** The License tab: the library's view, plus whether a key can be activated by paste here. */
export type LicenseTabView = LicenseStatusView & {
  /** True with `key_store = "database"`: the page offers the activation form. */
  activation: boolean;
  /** Every replica of this install (this one first); one entry when running alone. */
  replicas: ReplicaPresence[];
  /** `off` (no REDIS_URL: running alone), `connected`, or `unavailable` (Redis down: others unknown). */
  replicaBus: ReplicaBusStatus;
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
    private readonly replicas: ReplicaDirectory,
  ) {}

  async view(): Promise<LicenseTabView> {
    const [userCount, aiUsedToday, { replicas, replicaBus }] = await Promise.all([
      this.users.enabledUsers(),
      // The shared counter may be unreachable (Redis down): the tab still shows, usage unknown.
      this.aiUsage.usedToday().catch(() => undefined),
      this.replicas.list(),
    ]);
    const view = buildLicenseStatusView(this.license.state, {
      definedConnectors: this.connectors.all().map((c) => c.id),
      definedApps: this.apps.all().map((a) => a.id),
      userCount,
      ...(aiUsedToday !== undefined ? { aiUsedToday } : {}),
    });
    return { ...view, activation: this.license.activationAvailable, replicas, replicaBus };
  }

  /** Re-reads the variable (or its _FILE) and the public key, re-verifies, returns the new view. */
  async reverify(): Promise<LicenseTabView> {
    await this.license.reverify();
    return this.view();
  }
}
