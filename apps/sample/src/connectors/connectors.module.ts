import { Module } from '@nestjs/common';
import { ConnectorLicenseGuard } from './connector-license.guard.js';
import { ConnectorRegistry } from './connector.registry.js';
import { ConnectorSettingsStore } from './connector-settings.store.js';
import { ConnectorsController } from './connectors.controller.js';
import {
  JdEdwardsController,
  PostgresController,
  SapController,
  SnowflakeController,
} from './licensed-connectors.controller.js';

@Module({
  controllers: [ConnectorsController, SapController, SnowflakeController, JdEdwardsController, PostgresController],
  providers: [ConnectorRegistry, ConnectorSettingsStore, ConnectorLicenseGuard],
  exports: [ConnectorRegistry],
})
export class ConnectorsModule {}
