import { dirname, resolve } from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_PIPE } from '@nestjs/core';
import { LicenseModule, type LicenseModuleOptions } from '@liberty/license';
import { AiModule } from './ai/ai.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CatalogueModule } from './catalogue/catalogue.module.js';
import { DtoValidationPipe } from './common/dto-validation.pipe.js';
import { APP_CONFIG_NAMESPACE, APP_CONFIG_PATH } from './config/app-config.constants.js';
import { AppConfigModule } from './config/app-config.module.js';
import { resolvePublicKeyPath, type AppConfig, type LoadedAppConfig } from './config/app-config.loader.js';
import { ConnectorsModule } from './connectors/connectors.module.js';
import { Database } from './database/database.service.js';
import { DatabaseModule } from './database/database.module.js';
import { SampleGraphqlModule } from './graphql/sample-graphql.module.js';
import { activationStoreFor } from './license/activation-store.provider.js';
import { DatabaseClockStore } from './license/database-clock.store.js';
import { LicenseTabModule } from './license/license-tab.module.js';
import { OperationsModule } from './operations/operations.module.js';
import { PackagedAppsModule } from './packaged-apps/packaged-apps.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { ReplicasModule } from './replicas/replicas.module.js';
import { SettingsModule } from './settings/settings.module.js';
import { readSharedLicenseSettings } from './settings/shared-license-settings.service.js';
import { UsageHistoryModule } from './usage-history/usage-history.module.js';
import { UsersModule } from './users/users.module.js';
import { WebModule } from './web/web.module.js';

/**
 * `[license]` of app.toml as `LicenseModule` options (the key stays a `${NAME}` reference; with
 * `key_store = "database"` an activated key is kept in the database instead).
 */
export async function licenseOptionsFrom(
  config: ConfigService,
  configPath: string,
  database?: Database,
): Promise<LicenseModuleOptions> {
  const fromFile = config.getOrThrow<AppConfig>(APP_CONFIG_NAMESPACE).license;
  // With DATABASE_URL, settings changed at run time live in the database and win over app.toml.
  const stored = database ? await readSharedLicenseSettings(database) : undefined;
  const license = { ...fromFile, ...stored?.settings };
  const publicKeyPath = resolvePublicKeyPath(
    license.public_key_path,
    configPath,
    config.get('LIBERTY_PUBLIC_KEY_PATH'),
  );
  const keyStore = database ? activationStoreFor(license.key_store, database) : undefined;
  return {
    ...(license.audience !== undefined ? { audience: license.audience } : {}),
    ...(license.issuer !== undefined ? { issuer: license.issuer } : {}),
    licenseKey: license.license_key,
    enforcement: license.enforcement,
    ...(publicKeyPath ? { publicKeyPath } : {}),
    ...(license.key_file_poll_interval_ms !== undefined
      ? { keyFilePollIntervalMs: license.key_file_poll_interval_ms }
      : {}),
    ...(license.instance !== undefined ? { instance: license.instance } : {}),
    ...(license.grace_days !== undefined ? { graceDays: license.grace_days } : {}),
    ...(license.revocation_list_path !== undefined
      ? { revocationListPath: resolve(dirname(configPath), license.revocation_list_path) }
      : {}),
    ...(keyStore ? { keyStore } : {}),
    // The latest time seen survives restarts in the database: a clock set back is caught.
    ...(database ? { clockStore: new DatabaseClockStore(database) } : {}),
  };
}

@Module({})
export class AppModule {
  /** The app for one parsed app.toml (loaded into `@nestjs/config` under `app`). */
  static forRoot(loaded: LoadedAppConfig, options: { dataDir?: string } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, load: [() => ({ [APP_CONFIG_NAMESPACE]: loaded.config })] }),
        AppConfigModule.forRoot(loaded.path),
        DatabaseModule.forRoot(options),
        ReplicasModule.forRoot(),
        LicenseModule.forRootAsync({
          // ConfigModule and AppConfigModule are global.
          inject: [ConfigService, APP_CONFIG_PATH, Database],
          useFactory: licenseOptionsFrom,
        }),
        UsersModule,
        AuthModule,
        ConnectorsModule,
        PackagedAppsModule,
        AiModule,
        CatalogueModule,
        LicenseTabModule,
        UsageHistoryModule,
        SettingsModule,
        WebModule,
        // GET /health (Terminus), GET /metrics (Prometheus), POST /graphql, Socket.IO.
        OperationsModule.forRoot(),
        SampleGraphqlModule,
        RealtimeModule,
      ],
      providers: [{ provide: APP_PIPE, useClass: DtoValidationPipe }],
    };
  }
}
