import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LICENSE_SHARED_ORIGIN, LicenseService } from '@liberty/license';
import { printable } from '@liberty/license/verify';
import type { Subscription } from 'rxjs';
import { resolvePublicKeyPath, type LicenseSettings } from '../config/app-config.js';
import { AppConfigStore } from '../config/app-config.store.js';
import { Database } from '../database/database.js';

const ROW = 'license';
const ENFORCEMENTS = new Set(['restricted', 'soft']);

/** How often a replica on PostgreSQL re-reads the settings version (bus or not). */
export const SETTINGS_POLL_MS = 2_000;

/** The `[license]` settings stored in the database, and their version (`undefined`: none stored). */
export async function readSharedLicenseSettings(
  database: Database,
): Promise<{ settings: LicenseSettings; version: number } | undefined> {
  if (database.kind !== 'postgres') return undefined;
  const row = await database.db.selectFrom('shared_settings').selectAll().where('name', '=', ROW).executeTakeFirst();
  if (!row) return undefined;
  const value = JSON.parse(row.value) as Partial<LicenseSettings>;
  if (
    typeof value.license_key !== 'string' ||
    typeof value.public_key_path !== 'string' ||
    !ENFORCEMENTS.has(value.enforcement as string)
  ) {
    throw new Error('shared_settings "license" is not {license_key, public_key_path, enforcement}');
  }
  return { settings: pick(value as LicenseSettings), version: Number(row.version) };
}

/**
 * The framework `[license]` settings every replica runs (issue 18, DESIGN 5e "shared means shared").
 *
 * * SQLite (one process): app.toml, as before — `PUT` rewrites it.
 * * PostgreSQL (`DATABASE_URL`, replicas): app.toml gives the first values; once a setting is
 *   changed at run time (`PUT /api/settings/framework/license`) the database row `shared_settings`
 *   `license` wins on every replica, at startup too, until an operator deletes that row (then each
 *   replica returns to its app.toml within the poll). A change reaches the other replicas over the
 *   license bus at once (the bus's re-verify makes them re-read the row) and by a poll of the row's
 *   version every `SETTINGS_POLL_MS` without Redis. Applying it is a `reconfigure()` with
 *   `LICENSE_SHARED_ORIGIN`, which the bus does not announce again.
 */
@Injectable()
export class SharedLicenseSettings implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('liberty.sample');
  /** The version applied here; 0: app.toml's values. */
  private applied = 0;
  private stored?: LicenseSettings;
  private timer?: NodeJS.Timeout;
  private subscription?: Subscription;
  private checking?: Promise<void>;
  private again = false;
  private failing = false;

  constructor(
    private readonly database: Database,
    private readonly store: AppConfigStore,
    private readonly license: LicenseService,
    private readonly env: ConfigService,
  ) {}

  /** Whether the settings live in the database (PostgreSQL) rather than in app.toml. */
  get shared(): boolean {
    return this.database.kind === 'postgres';
  }

  /** The settings this replica runs. */
  get settings(): LicenseSettings {
    return this.stored ?? pick(this.store.config.license);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.shared) return;
    // licenseOptionsFrom() started the license with the stored row; this records its version (and
    // applies a change made in between).
    this.applied = -1;
    await this.check();
    // Any other replica's operation heard on the bus: re-read now rather than at the next poll.
    this.subscription = this.license.operations$.subscribe((operation) => {
      if (operation.origin !== LICENSE_SHARED_ORIGIN && operation.origin !== 'local') void this.check();
    });
    this.timer = setInterval(
      () => void this.check(),
      Number(this.env.get('LIBERTY_SETTINGS_POLL_MS') ?? SETTINGS_POLL_MS) || SETTINGS_POLL_MS,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
  }

  /**
   * Stores `next` for every replica (version + 1), then applies it here with `apply` (the
   * controller's reconfigure, announced on the bus). When `apply` fails the previous row is put back.
   */
  async change(next: LicenseSettings, apply: () => Promise<void>): Promise<void> {
    const previous = await readSharedLicenseSettings(this.database);
    const version = await this.write(next);
    try {
      await apply();
    } catch (error) {
      if (previous) await this.write(previous.settings);
      else await this.database.db.deleteFrom('shared_settings').where('name', '=', ROW).execute();
      throw error;
    }
    this.stored = next;
    this.applied = Math.max(this.applied, version);
  }

  /** Re-reads the row's version; applies the row (or app.toml's values when it is gone) when it changed. One at a time. */
  check(): Promise<void> {
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = (async () => {
      do {
        this.again = false;
        await this.checkOnce();
      } while (this.again);
    })().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    let row: Awaited<ReturnType<typeof readSharedLicenseSettings>>;
    try {
      row = await readSharedLicenseSettings(this.database);
    } catch (error) {
      // The database down: keep running what this replica runs; one line per outage.
      if (!this.failing)
        this.logger.warn(
          `shared settings: not re-read ("${printable(messageOf(error), 200)}"); keeping the current ones`,
        );
      this.failing = true;
      return;
    }
    this.failing = false;
    const version = row?.version ?? 0;
    if (version === this.applied) return;
    const settings = row?.settings ?? pick(this.store.config.license);
    try {
      await this.license.reconfigure(
        {
          licenseKey: settings.license_key,
          publicKeyPath:
            resolvePublicKeyPath(settings.public_key_path, this.store.path, this.env.get('LIBERTY_PUBLIC_KEY_PATH')) ??
            '',
          enforcement: settings.enforcement,
        },
        { origin: LICENSE_SHARED_ORIGIN },
      );
      if (this.applied !== -1)
        this.logger.log(`shared settings: version ${version} applied (enforcement ${settings.enforcement})`);
    } catch (error) {
      // E.g. the public key path does not exist on this replica: it keeps its settings, and its
      // settings fingerprint on the License tab shows that it differs.
      this.logger.warn(`shared settings: version ${version} not applied ("${printable(messageOf(error), 200)}")`);
    }
    this.stored = row?.settings;
    this.applied = version;
  }

  private async write(settings: LicenseSettings): Promise<number> {
    const value = JSON.stringify(pick(settings));
    const updated_at = new Date().toISOString();
    const row = await this.database.db
      .insertInto('shared_settings')
      .values({ name: ROW, value, version: 1, updated_at })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet((eb) => ({ value, updated_at, version: eb(eb.ref('shared_settings.version'), '+', 1) })),
      )
      .returning('version')
      .executeTakeFirstOrThrow();
    return Number(row.version);
  }
}

function pick({ license_key, public_key_path, enforcement }: LicenseSettings): LicenseSettings {
  return { license_key, public_key_path, enforcement };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
