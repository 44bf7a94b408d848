import { Module } from '@nestjs/common';
import { AiUsageLimiter, USAGE_STORE, type UsageStore } from '@liberty/license';
import { RedisUsageStore } from '@liberty/license/redis';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { AiToolRegistry } from './ai-tool-registry.js';
import { AiController } from './ai.controller.js';
import { Database } from '../database/database.js';
import { DatabaseUsageStore } from './database-usage-store.js';

/**
 * AI tools and the daily message cap, counted in the app's database, or in Redis with `REDIS_URL`
 * (one Lua script per message; Redis down → 503 USAGE_STORE_UNAVAILABLE).
 */
@Module({
  imports: [ConnectorsModule],
  controllers: [AiController],
  providers: [AiToolRegistry, AiUsageLimiter, {
      provide: USAGE_STORE,
      // LicenseRedisModule's store with REDIS_URL (see ReplicasModule), else the database.
      inject: [Database, { token: RedisUsageStore, optional: true }],
      useFactory: (database: Database, redis?: RedisUsageStore): UsageStore => redis ?? new DatabaseUsageStore(database),
    },],
  exports: [AiToolRegistry, AiUsageLimiter],
})
export class AiModule {}
