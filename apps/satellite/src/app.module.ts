import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { LicenseGuard, LicenseModule } from '@liberty/license';
import { AdminTokenGuard } from './admin-token.guard.js';
import { LicenseController } from './license.controller.js';
import { PRODUCT_CONTROLLERS } from './product.controllers.js';
import type { SatelliteSettings } from './satellite.config.js';
import { SATELLITE_SETTINGS } from './satellite.constants.js';

@Module({})
export class SatelliteModule {
  /**
   * PIKA or VERA (`settings.product`): the same LicenseModule, guard and decorators as a local
   * key, fed by the hub. Soft by default (the library's default for a hub).
   */
  static forRoot(settings: SatelliteSettings): DynamicModule {
    const optional = <K extends keyof SatelliteSettings>(key: K) =>
      settings[key] !== undefined ? { [key]: settings[key] } : {};
    return {
      module: SatelliteModule,
      imports: [
        // The library reads ${LIBERTY_HUB_TOKEN} through ConfigService (so .env files work).
        ConfigModule.forRoot({ isGlobal: true }),
        LicenseModule.forRoot({
          hub: {
            url: settings.statusUrl,
            token: '${LIBERTY_HUB_TOKEN}',
            ...optional('refreshSeconds'),
            ...optional('timeoutMs'),
            ...optional('maxStaleSeconds'),
            ...optional('retryMaxSeconds'),
          },
          ...optional('enforcement'),
        }),
      ],
      controllers: [LicenseController, PRODUCT_CONTROLLERS[settings.product]],
      providers: [
        { provide: SATELLITE_SETTINGS, useValue: settings },
        AdminTokenGuard,
        { provide: APP_GUARD, useExisting: LicenseGuard },
      ],
    };
  }
}
