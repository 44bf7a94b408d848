import { Module } from '@nestjs/common';
import { AiUsageLimiter, USAGE_STORE } from '@liberty/license';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { AiToolRegistry } from './ai-tool.registry.js';
import { AiController } from './ai.controller.js';
import { DatabaseUsageStore } from './database-usage.store.js';

/**
 * AI tools and the daily message cap, counted in the app's database — with or without
 * `REDIS_URL`: one conditional upsert per message, exact across replicas sharing the database and
 * never lost with a Redis restart (docs/replicas-and-persistence.md). The database down → 503
 * USAGE_STORE_UNAVAILABLE, nothing counted.
 */
@Module({
  imports: [ConnectorsModule],
  controllers: [AiController],
  providers: [AiToolRegistry, AiUsageLimiter, { provide: USAGE_STORE, useClass: DatabaseUsageStore }],
  exports: [AiToolRegistry, AiUsageLimiter],
})
export class AiModule {}
