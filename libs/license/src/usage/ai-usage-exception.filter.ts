import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AiMessageLimitReachedException } from './ai-usage.exceptions.js';

/**
 * Answers `AiMessageLimitReachedException` with its 429 body and a `Retry-After` header (seconds to
 * the next UTC midnight). Works on Express and Fastify. Use `@UseFilters(AiUsageExceptionFilter)`
 * on the controller that calls `AiUsageLimiter.consume()`, or register it as `APP_FILTER`.
 */
@Catch(AiMessageLimitReachedException)
export class AiUsageExceptionFilter implements ExceptionFilter<AiMessageLimitReachedException> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: AiMessageLimitReachedException, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    httpAdapter.setHeader(response, 'Retry-After', String(exception.retryAfterSeconds));
    httpAdapter.reply(response, exception.getResponse(), exception.getStatus());
  }
}
