import { Module } from '@nestjs/common';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { PackagedAppsModule } from '../packaged-apps/packaged-apps.module.js';
import { CatalogueController } from './catalogue.controller.js';

@Module({
  imports: [ConnectorsModule, PackagedAppsModule],
  controllers: [CatalogueController],
})
export class CatalogueModule {}
