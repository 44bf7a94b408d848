import { ForbiddenException, HttpException, HttpStatus } from '@nestjs/common';

export const AI_PROVIDER_NOT_LICENSED = 'AI_PROVIDER_NOT_LICENSED';
export const AI_MESSAGE_LIMIT_REACHED = 'AI_MESSAGE_LIMIT_REACHED';

/** 403: the key's `features.ai.providers` does not list the provider (restricted mode). */
export class AiProviderNotLicensedException extends ForbiddenException {
  constructor(readonly provider: string, licensed: readonly string[]) {
    super({
      statusCode: HttpStatus.FORBIDDEN,
      code: AI_PROVIDER_NOT_LICENSED,
      provider,
      message:
        `AI provider "${provider}" is not licensed` +
        (licensed.length > 0 ? ` (licensed: ${licensed.join(', ')})` : ' (the license lists no AI provider)'),
    });
  }
}

/**
 * 429: today's AI messages reached `features.ai.messagesPerDay`. `retryAfterSeconds` is the time
 * to the next UTC midnight; `AiUsageExceptionFilter` sends it as the `Retry-After` header.
 */
export class AiMessageLimitReachedException extends HttpException {
  constructor(readonly limit: number, readonly retryAfterSeconds: number) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        code: AI_MESSAGE_LIMIT_REACHED,
        message: `AI message limit reached — ${limit} per day; the counter resets at 00:00 UTC`,
        limit,
        retryAfterSeconds,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
