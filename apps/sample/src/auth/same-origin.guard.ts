import {
  ForbiddenException,
  HttpStatus,
  Injectable,
  UnsupportedMediaTypeException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

interface HttpRequest {
  method: string;
  protocol: string;
  host?: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * CSRF defence for every state-changing request (APP_GUARD, before authentication):
 * * a browser says where a request comes from: `Sec-Fetch-Site` must be `same-origin` (or `none`,
 *   typed by the user) and `Origin`, when sent, must be this app's own origin — otherwise 403
 *   `CROSS_ORIGIN_REQUEST`. `SameSite=Strict` alone does not stop a page on another port of the
 *   same host: that is the same *site*.
 * * a body must be JSON — otherwise 415 `JSON_REQUIRED`. An HTML form can only send form-encoded
 *   or text bodies, so it can never reach a handler.
 * Clients that are not browsers (curl, services with a bearer token) send neither header and
 * JSON bodies, and are unaffected. Behind a proxy, `LIBERTY_TRUST_PROXY` makes the expected origin
 * follow `X-Forwarded-Proto` / `X-Forwarded-Host`.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<HttpRequest>();
    if (!STATE_CHANGING.has(request.method)) return true;
    const site = header(request, 'sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') refuse(`Sec-Fetch-Site is ${site}`);
    const origin = header(request, 'origin');
    const own = ownOrigin(request);
    // The hint matters behind a TLS-terminating proxy: without trust proxy the app sees http://.
    if (origin !== undefined && origin !== own) {
      refuse(`Origin ${origin} is not this app's origin ${own}; behind a reverse proxy, set LIBERTY_TRUST_PROXY`);
    }
    if (hasBody(request) && !JSON_TYPE.test(header(request, 'content-type') ?? '')) {
      throw new UnsupportedMediaTypeException({
        statusCode: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        code: 'JSON_REQUIRED',
        message: 'Send the request body as JSON (Content-Type: application/json)',
      });
    }
    return true;
  }
}

function refuse(why: string): never {
  throw new ForbiddenException({
    statusCode: HttpStatus.FORBIDDEN,
    code: 'CROSS_ORIGIN_REQUEST',
    message: `Cross-origin request refused (${why.slice(0, 300)})`,
  });
}

function header(request: HttpRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Express 5: `req.protocol` and `req.host` (with its port) honour `trust proxy`. */
function ownOrigin(request: HttpRequest): string {
  return `${request.protocol}://${request.host ?? header(request, 'host') ?? ''}`;
}

/** A body is coming when a length above 0, a chunked transfer or a content type is announced. */
function hasBody(request: HttpRequest): boolean {
  const length = header(request, 'content-length');
  return (length !== undefined && length !== '0') || header(request, 'transfer-encoding') !== undefined || header(request, 'content-type') !== undefined;
}
