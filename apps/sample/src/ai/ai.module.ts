import { Module } from '@nestjs/common';
import { AiUsageLimiter } from '@liberty/license';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { AiToolRegistry } from './ai-tool-registry.js';
import { AiController } from './ai.controller.js';

/** AI tools and the daily message cap (in-memory counts; provide USAGE_STORE to share them). */
@Module({
  imports: [ConnectorsModule],
  controllers: [AiController],
  providers: [AiToolRegistry, AiUsageLimiter],
  exports: [AiToolRegistry, AiUsageLimiter],
})
export class AiModule {}
