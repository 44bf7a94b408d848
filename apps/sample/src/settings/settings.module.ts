import { Module } from '@nestjs/common';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { SettingsController } from './settings.controller.js';
import { SharedLicenseSettings } from './shared-license-settings.service.js';

@Module({
  imports: [ConnectorsModule],
  controllers: [SettingsController],
  providers: [SharedLicenseSettings],
  exports: [SharedLicenseSettings],
})
export class SettingsModule {}
