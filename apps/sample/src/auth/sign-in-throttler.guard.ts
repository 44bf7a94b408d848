import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { TooManyAttemptsException } from './auth-failure.limiter.js';

/**
 * @nestjs/throttler's guard for `POST /api/session` (the limits are `ThrottlerModule`'s, in
 * AuthModule), answering 429 with the app's body (`code: TOO_MANY_ATTEMPTS`) instead of the
 * throttler's bare message. The throttler sets `Retry-After` itself.
 */
@Injectable()
export class SignInThrottlerGuard extends ThrottlerGuard {
  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    return Promise.reject(new TooManyAttemptsException(detail.timeToBlockExpire));
  }
}
