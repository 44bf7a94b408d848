import { Module } from '@nestjs/common';
import { AiUsageLimiter, USAGE_STORE } from '@liberty/license';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { AiToolRegistry } from './ai-tool-registry.js';
import { AiController } from './ai.controller.js';
import { DatabaseUsageStore } from './database-usage-store.js';

/** AI tools and the daily message cap, counted in the app's database. */
@Module({
  imports: [ConnectorsModule],
  controllers: [AiController],
  providers: [AiToolRegistry, AiUsageLimiter, { provide: USAGE_STORE, useClass: DatabaseUsageStore }],
  exports: [AiToolRegistry, AiUsageLimiter],
})
export class AiModule {}
