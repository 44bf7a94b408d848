import { Module } from '@nestjs/common';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { SettingsController } from './settings.controller.js';

@Module({
  imports: [ConnectorsModule],
  controllers: [SettingsController],
})
export class SettingsModule {}
