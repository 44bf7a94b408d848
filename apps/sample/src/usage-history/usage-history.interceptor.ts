import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { tap, type Observable } from 'rxjs';
import { UsageHistoryRecorder } from './usage-history.recorder.js';

/** The routes whose success can raise the day's peak users or AI messages. */
const SAMPLED = [/^\/api\/users(\/|$)/, /^\/api\/ai\/messages$/];

/**
 * After a successful write to users or an AI message, samples the usage history, so a peak is
 * recorded when it happens (not only at the next minute's sample). An interceptor, so the users
 * and AI modules need not know the history exists.
 */
@Injectable()
export class UsageHistoryInterceptor implements NestInterceptor {
  constructor(private readonly recorder: UsageHistoryRecorder) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<{ method: string; url: string }>();
    const path = request.url.split('?')[0];
    if (request.method === 'GET' || !SAMPLED.some((route) => route.test(path))) return next.handle();
    return next.handle().pipe(tap({ next: () => void this.recorder.sample() }));
  }
}
