import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AiModule } from '../ai/ai.module.js';
import { UsersModule } from '../users/users.module.js';
import { UsageHistoryController } from './usage-history.controller.js';
import { UsageHistoryInterceptor } from './usage-history.interceptor.js';
import { UsageHistoryRecorder } from './usage-history.recorder.js';
import { DatabaseUsageHistoryStore, UsageHistoryStore } from './usage-history.store.js';

/** Usage history per UTC day (peak enabled users, AI messages) and the true-up report. */
@Module({
  imports: [UsersModule, AiModule],
  controllers: [UsageHistoryController],
  providers: [
    { provide: UsageHistoryStore, useClass: DatabaseUsageHistoryStore },
    UsageHistoryRecorder,
    { provide: APP_INTERCEPTOR, useClass: UsageHistoryInterceptor },
  ],
  exports: [UsageHistoryStore, UsageHistoryRecorder],
})
export class UsageHistoryModule {}
