import { Catch, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { renderErrorPage } from './web-error-page.view.js';
import { sendWeb, type WebResponse } from './web-http.util.js';

interface NotFoundRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A browser that asks for a page that does not exist gets an HTML 404 with a way home; the JSON
 * API (`/api/*`) and every non-browser request keep Nest's JSON 404. Global (unknown routes never
 * reach a controller's filters).
 */
@Catch(NotFoundException)
export class WebNotFoundFilter extends BaseExceptionFilter {
  override catch(exception: NotFoundException, host: ArgumentsHost): unknown {
    // Only HTTP has pages; other transports keep their own handling.
    if (host.getType() !== 'http') return exception;
    const request = host.switchToHttp().getRequest<NotFoundRequest>();
    if (!wantsPage(request)) return super.catch(exception, host);
    const page = renderErrorPage({
      status: 404,
      title: 'Page not found',
      message: 'There is no page at this address',
      hint: 'The link may be out of date, or the address mistyped.',
      next: '/',
      signIn: false,
    });
    sendWeb(host.switchToHttp().getResponse<WebResponse>(), 404, 'text/html; charset=utf-8', page);
    return undefined;
  }
}

function wantsPage(request: NotFoundRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (request.path === '/api' || request.path.startsWith('/api/') || request.path.startsWith('/assets/')) return false;
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.includes('text/html');
}
