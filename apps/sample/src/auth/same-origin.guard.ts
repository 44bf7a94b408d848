import {
  HttpException,
  HttpStatus,
  Injectable,
  UnsupportedMediaTypeException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { AccessDenied, AccessPolicy, header, type PolicyRequest } from './access.policy.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/**
 * `application/json` exactly (parameters allowed). `application/*+json` is refused too: Express's
 * JSON parser does not read it, so such a body would reach the handlers unparsed.
 */
const JSON_TYPE = /^application\/json\s*(?:;|$)/i;

/**
 * CSRF defence for every state-changing HTTP request (APP_GUARD, before authentication):
 * * the origin check of `AccessPolicy` (the same one the GraphQL context and the Socket.IO
 *   handshake run): `Sec-Fetch-Site` must be `same-origin` (or `none`) and `Origin`, when sent,
 *   this app's own origin — otherwise 403 `CROSS_ORIGIN_REQUEST`. `SameSite=Strict` alone does not
 *   stop a page on another port of the same host: that is the same *site*.
 * * a body must be `application/json` — otherwise 415 `JSON_REQUIRED`. An HTML form can only send
 *   form-encoded or text bodies, so it can never reach a handler.
 * Clients that are not browsers (curl, services with a bearer token) send neither header and
 * JSON bodies, and are unaffected. GraphQL and Socket.IO are checked where they authenticate.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  constructor(private readonly policy: AccessPolicy) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<PolicyRequest & { method: string }>();
    if (!STATE_CHANGING.has(request.method)) return true;
    try {
      this.policy.checkOrigin(request);
    } catch (error) {
      if (error instanceof AccessDenied) throw new HttpException({ ...error.body }, error.status);
      throw error;
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

/** A body is coming when a length above 0, a chunked transfer or a content type is announced. */
function hasBody(request: PolicyRequest): boolean {
  const length = header(request, 'content-length');
  return (
    (length !== undefined && length !== '0') ||
    header(request, 'transfer-encoding') !== undefined ||
    header(request, 'content-type') !== undefined
  );
}
