import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DiscoveryModule, ModuleRef } from '@nestjs/core';
import { localKeyOrigin } from './engine/license.origin.js';
import { HubLicenseSource } from './hub/hub-license.source.js';
import { hubOrigin } from './hub/hub.origin.js';
import { LicenseHubClient } from './hub/license-hub.client.js';
import type { EnvironmentReader } from './key-stores/environment-key.store.js';
import { LicenseKeySource } from './key-stores/license-key.source.js';
import { LICENSE_KEY_STORE, type LicenseKeyStore } from './key-stores/license-key.store.js';
import { LicenseExplorer } from './license.explorer.js';
import { LicenseGuard } from './license.guard.js';
import type { LicenseModuleOptions, ResolvedLicenseOptions } from './interfaces/license-options.interface.js';
import { resolveLicenseOptions } from './options/license-options.resolver.js';
import { ConfigurableLicenseModule, LICENSE_MODULE_OPTIONS } from './license.module-definition.js';
import { LicenseService } from './license.service.js';
import { LICENSE_ENVIRONMENT, LICENSE_RESOLVED_OPTIONS } from './license.internal-constants.js';

/**
 * `LicenseModule.forRoot({ audience, publicKey })` or `forRootAsync({ imports, inject, useFactory })`.
 * Global by default (`isGlobal: false` to opt out). The key is verified while the module is
 * created, so `LicenseService.state` is final by the time anything injects it.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: LICENSE_RESOLVED_OPTIONS,
      inject: [LICENSE_MODULE_OPTIONS],
      useFactory: (options: LicenseModuleOptions) => resolveLicenseOptions(options),
    },
    {
      // ConfigService when the app has @nestjs/config's ConfigModule (so .env files work);
      // otherwise a ConfigService of its own, which reads process.env.
      provide: LICENSE_ENVIRONMENT,
      inject: [{ token: ConfigService, optional: true }],
      useFactory: (config?: ConfigService): EnvironmentReader => config ?? new ConfigService(),
    },
    {
      // The host's store (`keyStore`: an instance, or a class built with the app's global
      // providers); null means the environment store, which the service builds from `licenseKey`.
      provide: LICENSE_KEY_STORE,
      inject: [LICENSE_MODULE_OPTIONS, LICENSE_RESOLVED_OPTIONS, ModuleRef],
      useFactory: async (options: LicenseModuleOptions, _checked: ResolvedLicenseOptions, moduleRef: ModuleRef) => {
        const store = options.keyStore;
        if (store === undefined) return null;
        return typeof store === 'function' ? moduleRef.create(store) : store;
      },
    },
    {
      provide: LicenseService,
      inject: [LICENSE_RESOLVED_OPTIONS, LICENSE_ENVIRONMENT, LICENSE_KEY_STORE],
      useFactory: async (options: ResolvedLicenseOptions, env: EnvironmentReader, store: LicenseKeyStore | null) => {
        // A satellite's license comes from its hub; otherwise from the local key (in its store).
        const origin = options.hub
          ? hubOrigin(new HubLicenseSource(options.hub, new LicenseHubClient(options.hub, env)))
          : localKeyOrigin;
        // A satellite's key source is read-only: it has no local key to activate.
        const keys = new LicenseKeySource(env, store, options.licenseKey, options.hub !== undefined);
        const service = new LicenseService(options, env, keys, origin);
        await service.reverify();
        return service;
      },
    },
    LicenseGuard,
    LicenseExplorer,
  ],
  exports: [LicenseService, LicenseGuard],
})
export class LicenseModule extends ConfigurableLicenseModule {}
