import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { renderErrorPage } from './web-error-page.view.js';
import { sendWeb, type WebRequest, type WebResponse } from './web-http.util.js';

/**
 * Errors on HTML pages answer in HTML: no valid token → the login page (back here afterwards);
 * a missing permission → a 403 page naming it. The JSON API keeps its JSON errors.
 */
@Catch(HttpException)
export class WebPageExceptionFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<WebRequest>();
    const res = http.getResponse<WebResponse>();
    const path = pagePath(req.originalUrl);
    const status = exception.getStatus();
    if (status === 401) {
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, `/login?next=${encodeURIComponent(path)}`);
      return;
    }
    if (status === 403) {
      const body = exception.getResponse();
      const permission =
        typeof body === 'object' && body !== null && typeof (body as { permission?: unknown }).permission === 'string'
          ? (body as { permission: string }).permission
          : undefined;
      const message = permission ? 'This page needs the permission' : 'Your account cannot open this page';
      const hint = permission
        ? 'Your account does not have it. Ask an administrator to grant it, or sign in as another user.'
        : undefined;
      sendWeb(
        res,
        403,
        'text/html; charset=utf-8',
        renderErrorPage({ status, title: 'Access denied', message, permission, hint, next: path }),
      );
      return;
    }
    const title = status === 404 ? 'Not found' : 'Something went wrong';
    sendWeb(
      res,
      status,
      'text/html; charset=utf-8',
      renderErrorPage({ status, title, message: exception.message, next: path }),
    );
  }
}

/** The path alone (no query), for `next`. */
function pagePath(originalUrl: string): string {
  const path = originalUrl.split('?')[0];
  return path.startsWith('/') && !path.startsWith('//') ? path : '/settings/license';
}
