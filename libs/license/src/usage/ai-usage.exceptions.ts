import { ForbiddenException, HttpException, HttpStatus } from '@nestjs/common';

export const AI_PROVIDER_NOT_LICENSED = 'AI_PROVIDER_NOT_LICENSED';
export const AI_MESSAGE_LIMIT_REACHED = 'AI_MESSAGE_LIMIT_REACHED';
export const USAGE_STORE_UNAVAILABLE = 'USAGE_STORE_UNAVAILABLE';

/** 403: the key's `features.ai.providers` does not list the provider (restricted mode). */
export class AiProviderNotLicensedException extends ForbiddenException {
  readonly code = AI_PROVIDER_NOT_LICENSED;
  constructor(
    readonly provider: string,
    licensed: readonly string[],
  ) {
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
  readonly code = AI_MESSAGE_LIMIT_REACHED;
  constructor(
    readonly limit: number,
    readonly retryAfterSeconds: number,
  ) {
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

/**
 * 503: the usage store (e.g. Redis shared by the replicas) cannot be reached. The message is not
 * counted and not served: answering without the shared counter would let replicas exceed the cap.
 * Everything that does not count usage keeps working.
 */
export class UsageStoreUnavailableException extends HttpException {
  readonly code = USAGE_STORE_UNAVAILABLE;
  constructor(readonly why: string) {
    super(
      {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        code: USAGE_STORE_UNAVAILABLE,
        message: `AI usage cannot be counted now (${why}); nothing was counted, try again shortly`,
      },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}
