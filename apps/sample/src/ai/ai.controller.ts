import { Body, Controller, Get, HttpCode, Post, UseFilters } from '@nestjs/common';
import { AiUsageExceptionFilter, AiUsageLimiter } from '@liberty/license';
import { AiMessageDto } from './ai-message.dto.js';
import { AiToolRegistry } from './ai-tool.registry.js';

@Controller('api/ai')
export class AiController {
  constructor(
    private readonly tools: AiToolRegistry,
    private readonly usage: AiUsageLimiter,
  ) {}

  /** The tools of the connectors usable now. */
  @Get('tools')
  list() {
    return this.tools.visible();
  }

  /**
   * Counts against the daily cap: 429 AI_MESSAGE_LIMIT_REACHED with Retry-After at the cap,
   * 403 AI_PROVIDER_NOT_LICENSED for a provider the key does not list. (A sample: no model is called.)
   */
  @Post('messages')
  @HttpCode(200)
  @UseFilters(AiUsageExceptionFilter)
  async message(@Body() dto: AiMessageDto) {
    const usage = await this.usage.consume(dto.provider);
    return {
      provider: usage.provider,
      reply: `(${usage.provider}) received ${dto.message.length} characters; tools available: ${this.tools.visible().length}`,
      usage: { usedToday: usage.usedToday, messagesPerDay: usage.limit },
    };
  }
}
