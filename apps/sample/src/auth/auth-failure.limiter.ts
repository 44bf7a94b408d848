import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';

/** Attempts per minute and per client (IP) for sign-in, and failed authentications before a lock-out. */
export const AUTH_RATE_LIMIT = Symbol('AUTH_RATE_LIMIT');
export const DEFAULT_AUTH_RATE_LIMIT = 10;
export const AUTH_RATE_WINDOW_MS = 60_000;
/** How long a client that failed too often is refused: 5 minutes. */
export const AUTH_LOCKOUT_MS = 5 * 60_000;

/** `LIBERTY_AUTH_RATE_LIMIT`: a positive integer, else the default. */
export function authRateLimitFrom(value: unknown): number {
  const limit = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isSafeInteger(limit) && limit > 0 ? limit : DEFAULT_AUTH_RATE_LIMIT;
}

/** 429 with `Retry-After`, the same body for a throttled sign-in and a locked-out client. */
export class TooManyAttemptsException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        code: 'TOO_MANY_ATTEMPTS',
        message: `Too many sign-in attempts; try again in ${retryAfterSeconds} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Locks a client out after too many failed authentications (a wrong bearer token, a wrong token at
 * sign-in): more than `AUTH_RATE_LIMIT` failures in a minute block every token-based attempt from
 * that client for 5 minutes, so guessing tokens is throttled even when each guess is a fresh
 * request. Counting uses @nestjs/throttler's storage (the same as the sign-in route's
 * `ThrottlerGuard`); the block deadline is remembered here because the storage only answers
 * `increment()`. A session cookie is not counted: its id is 256 random bits, and old cookies after
 * a restart must not lock anybody out.
 */
@Injectable()
export class AuthFailureThrottle {
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    @Inject(AUTH_RATE_LIMIT) private readonly limit: number,
  ) {}

  /** Throws 429 while `client` is locked out. */
  assertAllowed(client: string, now = Date.now()): void {
    const until = this.blockedUntil.get(client);
    if (until === undefined) return;
    if (until <= now) {
      this.blockedUntil.delete(client);
      return;
    }
    throw new TooManyAttemptsException(Math.ceil((until - now) / 1000));
  }

  /** Counts a failure; the one over the limit starts the lock-out (and gets 429 itself). */
  async recordFailure(client: string, now = Date.now()): Promise<void> {
    const record = await this.storage.increment(
      `auth-failure:${client}`,
      AUTH_RATE_WINDOW_MS,
      this.limit,
      AUTH_LOCKOUT_MS,
      'auth-failures',
    );
    if (!record.isBlocked) return;
    if (this.blockedUntil.size > 10_000) this.blockedUntil.clear(); // bounded, whatever the traffic
    this.blockedUntil.set(client, now + AUTH_LOCKOUT_MS);
    throw new TooManyAttemptsException(Math.ceil(AUTH_LOCKOUT_MS / 1000));
  }
}
