import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LICENSE_SHARED_ORIGIN, LicenseConfigurationError, LicenseService } from '@liberty/license';
import { printable } from '@liberty/license/verify';
import type { Subscription } from 'rxjs';
import { resolvePublicKeyPath, type LicenseSettings } from '../config/app-config.loader.js';
import { AppConfigStore } from '../config/app-config.store.js';
import { Database, type Tx } from '../database/database.service.js';

const ROW = 'license';
const ENFORCEMENTS = new Set(['restricted', 'soft']);
/** `applied` when what runs here is not known to be any stored version: the next check applies the row. */
const NOT_APPLIED = -2;

/** How often a replica on PostgreSQL re-reads the settings version (bus or not). */
export const SETTINGS_POLL_MS = 2_000;

/** The `[license]` settings stored in the database, and their version (`undefined`: none stored). */
export async function readSharedLicenseSettings(
  database: Database,
  tx: Tx = database.db,
): Promise<{ settings: LicenseSettings; version: number } | undefined> {
  if (database.kind !== 'postgres') return undefined;
  const row = await tx.selectFrom('shared_settings').selectAll().where('name', '=', ROW).executeTakeFirst();
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
 * * Either way a change writes only the fields it gives, merged into the stored settings in one
 *   step (app.toml's edit queue; a transaction holding an advisory lock every replica takes).
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
  /** A change and a check run one at a time: a check must not apply a row read before a change. */
  private turn: Promise<unknown> = Promise.resolve();

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
   * Changes the fields `patch` gives and keeps the others as they are stored now — the database
   * row under a lock shared by every replica, or app.toml — never as this replica last heard of
   * them: a replica that had not heard of a change yet wrote back the old value of a field it was
   * not asked to change, and judged the permission needed against it (the chaos suite's lost write).
   * `admit(current, next)` refuses a change by throwing (permission, unreadable key file). Then
   * the license is reconfigured here; a `LicenseConfigurationError` from it is rethrown. Whatever
   * fails, nothing is stored.
   */
  update(
    patch: Partial<LicenseSettings>,
    admit: (current: LicenseSettings, next: LicenseSettings) => Promise<void>,
  ): Promise<LicenseSettings> {
    const merge = (current: LicenseSettings): LicenseSettings => ({
      license_key: patch.license_key ?? current.license_key,
      public_key_path: patch.public_key_path ?? current.public_key_path,
      enforcement: patch.enforcement ?? current.enforcement,
    });
    if (!this.shared) {
      let next!: LicenseSettings;
      return this.store.update(
        async (doc, config) => {
          const current = pick(config.license);
          next = merge(current);
          await admit(current, next);
          doc.license = { ...(doc.license as Record<string, unknown> | undefined), ...next };
        },
        async () => {
          await this.reconfigure(next, 'local');
          return next;
        },
      );
    }
    return this.inTurn(() => this.updateShared(merge, admit));
  }

  private async updateShared(
    merge: (current: LicenseSettings) => LicenseSettings,
    admit: (current: LicenseSettings, next: LicenseSettings) => Promise<void>,
  ): Promise<LicenseSettings> {
    let reconfiguring = false;
    try {
      const { next, version } = await this.database.serialized('shared-settings', async (tx) => {
        const row = await readSharedLicenseSettings(this.database, tx);
        const current = row?.settings ?? pick(this.store.config.license);
        const next = merge(current);
        await admit(current, next);
        const version = await write(tx, next);
        // Applied before the commit, so that a key the license refuses stores nothing; announced
        // after it (below), so that the other replicas re-read the committed row.
        reconfiguring = true;
        await this.reconfigure(next, LICENSE_SHARED_ORIGIN);
        return { next, version };
      });
      this.stored = next;
      this.applied = version;
    } catch (error) {
      // Maybe reconfigured but not committed (the database went away at the commit): what runs
      // here may not be what is stored, so the next check applies the row, whatever its version.
      // (A refused setting — LicenseConfigurationError — changed nothing.)
      if (reconfiguring && !(error instanceof LicenseConfigurationError)) {
        this.applied = NOT_APPLIED;
        void this.check();
      }
      throw error;
    }
    // The announcement: a bus makes every other replica re-verify, which re-reads the row.
    await this.license.reverify().catch((error: unknown) => {
      this.logger.warn(`shared settings: re-verify after a change failed ("${printable(messageOf(error), 200)}")`);
    });
    return this.stored;
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
        await this.inTurn(() => this.checkOnce());
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
    // The content too: a row an operator deleted and a PUT created again starts at version 1 again.
    if (version === this.applied && JSON.stringify(row?.settings) === JSON.stringify(this.stored)) return;
    const settings = row?.settings ?? pick(this.store.config.license);
    try {
      await this.reconfigure(settings, LICENSE_SHARED_ORIGIN);
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

  /** The public key file `settings` name (relative to app.toml; LIBERTY_PUBLIC_KEY_PATH overrides). */
  publicKeyPathOf(settings: LicenseSettings): string | undefined {
    return resolvePublicKeyPath(settings.public_key_path, this.store.path, this.env.get('LIBERTY_PUBLIC_KEY_PATH'));
  }

  private async reconfigure(settings: LicenseSettings, origin: string): Promise<void> {
    await this.license.reconfigure(
      {
        licenseKey: settings.license_key,
        publicKeyPath: this.publicKeyPathOf(settings) ?? '',
        enforcement: settings.enforcement,
      },
      { origin },
    );
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work, work);
    this.turn = run.catch(() => undefined);
    return run;
  }
}

/** Stores `settings` as the next version; returns that version. */
async function write(tx: Tx, settings: LicenseSettings): Promise<number> {
  const value = JSON.stringify(pick(settings));
  const updated_at = new Date().toISOString();
  const row = await tx
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

function pick({ license_key, public_key_path, enforcement }: LicenseSettings): LicenseSettings {
  return { license_key, public_key_path, enforcement };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
