import { Module } from '@nestjs/common';
import { LicenseModule } from '@liberty/license';
import { MenuController, MenuRegistry } from './menu.registry.js';
import { ReportsController } from './reports.controller.js';

@Module({
  imports: [
    LicenseModule.forRoot({
      audience: 'acme',
      // Your vendor public key, shipped with the app (README: nest-cli.json assets).
      publicKeyPath: process.env.ACME_PUBLIC_KEY_PATH,
      // The variable's NAME, never the key. ACME_LICENSE_KEY_FILE (a mounted secret) works too and
      // is re-read when it changes: no restart.
      licenseKey: '${ACME_LICENSE_KEY}',
    }),
  ],
  controllers: [ReportsController, MenuController],
  providers: [MenuRegistry],
})
export class AppModule {}
