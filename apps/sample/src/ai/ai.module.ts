import { Module } from '@nestjs/common';
import { AiUsageLimiter, USAGE_STORE, type UsageStore } from '@liberty/license';
import type { RedisConnections } from '@liberty/license/redis';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { AiToolRegistry } from './ai-tool-registry.js';
import { AiController } from './ai.controller.js';
import { Database } from '../database/database.js';
import { REDIS_CONNECTIONS, REDIS_INSTALL } from '../replicas/replicas.module.js';
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
      inject: [Database, REDIS_CONNECTIONS],
      useFactory: async (database: Database, redis: RedisConnections | null): Promise<UsageStore> => {
        if (!redis) return new DatabaseUsageStore(database);
        const { RedisUsageStore } = await import('@liberty/license/redis');
        return new RedisUsageStore({ client: redis.client, install: REDIS_INSTALL });
      },
    },],
  exports: [AiToolRegistry, AiUsageLimiter],
})
export class AiModule {}
