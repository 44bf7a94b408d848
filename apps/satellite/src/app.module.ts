import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { LicenseGuard, LicenseModule } from '@liberty/license';
import { LicenseController } from './license.controller.js';
import { PikaController } from './pika.controller.js';
import type { SatelliteSettings } from './satellite-config.js';

@Module({})
export class SatelliteModule {
  /** PIKA: the same LicenseModule, guard and decorators as a local key, fed by the hub. */
  static forRoot(settings: SatelliteSettings): DynamicModule {
    return {
      module: SatelliteModule,
      imports: [
        // The library reads ${LIBERTY_HUB_TOKEN} through ConfigService (so .env files work).
        ConfigModule.forRoot({ isGlobal: true }),
        LicenseModule.forRoot({
          hub: {
            url: settings.statusUrl,
            token: '${LIBERTY_HUB_TOKEN}',
            ...(settings.refreshSeconds !== undefined ? { refreshSeconds: settings.refreshSeconds } : {}),
            ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
          },
        }),
      ],
      controllers: [LicenseController, PikaController],
      providers: [{ provide: APP_GUARD, useExisting: LicenseGuard }],
    };
  }
}
