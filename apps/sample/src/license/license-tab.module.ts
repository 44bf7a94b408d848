import { Module } from '@nestjs/common';
import { AiModule } from '../ai/ai.module.js';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { PackagedAppsModule } from '../packaged-apps/packaged-apps.module.js';
import { UsersModule } from '../users/users.module.js';
import { LicenseOverviewService } from './license-overview.service.js';
import { LicenseController } from './license.controller.js';

/** The License tab's data (`LicenseOverviewService` is exported for the web pages). */
@Module({
  imports: [ConnectorsModule, PackagedAppsModule, UsersModule, AiModule],
  controllers: [LicenseController],
  providers: [LicenseOverviewService],
  exports: [LicenseOverviewService],
})
export class LicenseTabModule {}
