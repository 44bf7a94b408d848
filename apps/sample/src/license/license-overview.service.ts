import { Injectable } from '@nestjs/common';
import { AiUsageLimiter, LicenseService } from '@liberty/license';
import { buildLicenseStatusView, type LicenseStatusView, type ReplicaPresence } from '@liberty/license/status';
import { AppConfigStore } from '../config/app-config.store.js';
import { ConnectorRegistry } from '../connectors/connector.registry.js';
import { AppRegistry } from '../packaged-apps/app.registry.js';
import { ReplicaDirectory, type ReplicaBusStatus } from '../replicas/replicas.module.js';
import { UsersService } from '../users/users.service.js';
import {
  humanDate,
  licenseCondition,
  seatMeter,
  type LicenseCondition,
  type LicenseKeySource,
  type SeatMeterLevel,
} from './license-condition.util.js';

/** The License tab: the library's view, plus whether a key can be activated by paste here. */
export type LicenseTabView = LicenseStatusView & {
  /** True with `key_store = "database"`: the page offers the activation form. */
  activation: boolean;
  /** Every replica of this install (this one first); one entry when running alone. */
  replicas: ReplicaPresence[];
  /** `off` (no REDIS_URL: running alone), `connected`, or `unavailable` (Redis down: others unknown). */
  replicaBus: ReplicaBusStatus;
  /** The status area's decision: tone, summary, expiry chip, what to do next (one place for every colour). */
  condition: LicenseCondition;
  /** The seat bar's colour (shared with the Users page). */
  seatMeter: SeatMeterLevel | null;
  /** `iat` as ISO and for people (`19 May 2025`); `null` without verified claims. */
  issuedAt: string | null;
  issuedOn: string | null;
  /** `exp` for people. */
  expiresOn: string | null;
  /** The key's `jti`. */
  licenseId: string | null;
  /** Where the key is read from. */
  keySource: LicenseKeySource;
  /** `[license] renew_url`: the "Renew or contact the vendor" link; `null` when not set. */
  renewUrl: string | null;
  /** What a license can unlock in this install: every connector and app marked Licensed. */
  unlocks: { connectors: Array<{ id: string; name: string }>; apps: Array<{ id: string; name: string }> };
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
    private readonly config: AppConfigStore,
  ) {}

  async view(): Promise<LicenseTabView> {
    const [userCount, aiUsedToday, { replicas, replicaBus }] = await Promise.all([
      this.users.enabledUsers(),
      // The shared counter may be unreachable (Redis down): the tab still shows, usage unknown.
      this.aiUsage.usedToday().catch(() => undefined),
      this.replicas.list(),
    ]);
    const state = this.license.state;
    const view = buildLicenseStatusView(state, {
      definedConnectors: this.connectors.all().map((c) => c.id),
      definedApps: this.apps.all().map((a) => a.id),
      userCount,
      ...(aiUsedToday !== undefined ? { aiUsedToday } : {}),
    });
    const keySource = this.keySource(state.source);
    const condition = licenseCondition(state, { userCount, userCap: view.users.max, keySource });
    const iat = state.claims?.iat;
    const issued = typeof iat === 'number' ? new Date(iat * 1000) : undefined;
    return {
      ...view,
      activation: this.license.activationAvailable,
      replicas,
      replicaBus,
      condition,
      seatMeter: seatMeter(userCount, view.users.max, condition.working),
      issuedAt: issued ? issued.toISOString().replace(/\.\d{3}Z$/, 'Z') : null,
      issuedOn: issued ? humanDate(issued) : null,
      expiresOn: state.expiresAt ? humanDate(state.expiresAt) : null,
      licenseId: state.claims?.jti ?? null,
      keySource,
      renewUrl: this.config.config.license.renew_url ?? null,
      unlocks: {
        connectors: this.connectors
          .all()
          .filter((c) => c.licensed)
          .map(({ id, name }) => ({ id, name })),
        apps: this.apps
          .all()
          .filter((a) => a.licensed)
          .map(({ id, name }) => ({ id, name })),
      },
    };
  }

  /**
   * `key_store = "database"`: the activated key; else the variable `license_key` names, or its
   * `_FILE` variant when the key was read from there (the library's `state.source`).
   */
  private keySource(source: string | undefined): LicenseKeySource {
    const settings = this.config.config.license;
    if (settings.key_store === 'database') return { kind: 'database', name: 'database' };
    const variable = /^\$\{([^}]+)\}$/.exec(settings.license_key)?.[1] ?? settings.license_key;
    if (source === `${variable}_FILE`) return { kind: 'file', name: source };
    return { kind: 'variable', name: variable };
  }

  /** Re-reads the variable (or its _FILE) and the public key, re-verifies, returns the new view. */
  async reverify(): Promise<LicenseTabView> {
    await this.license.reverify();
    return this.view();
  }
}
