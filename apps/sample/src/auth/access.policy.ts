import { isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { UsersService } from '../users/users.service.js';
import type { AuthenticatedUser } from './authenticated-user.interface.js';
import { AuthFailureThrottle, TooManyAttemptsException } from './auth-failure.limiter.js';
import { readSessionId } from './session-cookie.util.js';
import { SessionStore } from './session.store.js';

/**
 * A request as every transport sees it: Express's request for REST and GraphQL, and the
 * Socket.IO handshake's request given Express's request prototype (so `ip`, `protocol`, `host`
 * and `secure` honour `LIBERTY_TRUST_PROXY` alike).
 */
export interface PolicyRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  socket?: { remoteAddress?: string; localAddress?: string };
  protocol?: string;
  host?: string;
  secure?: boolean;
}

/** Why a caller was refused, whatever the transport; each transport answers it in its own way. */
export class AccessDenied extends Error {
  override readonly name = 'AccessDenied';
  constructor(
    readonly status: 401 | 403 | 421 | 429,
    readonly body: { statusCode: number; code: string; message: string },
    readonly retryAfterSeconds?: number,
  ) {
    super(body.message);
  }
}

/**
 * The one authentication, throttling and origin policy of the app (DESIGN 8: every door guarded
 * alike). `AuthGuard` (REST), the GraphQL context (once per request, before execution) and the
 * Socket.IO handshake middleware all call it; none has its own copy.
 * * `checkHost`: on a loopback-bound app, the `Host` header must name the loopback (DNS rebinding).
 * * `checkOrigin`: a browser call from another origin is refused (`CROSS_ORIGIN_REQUEST`).
 * * `authenticate`: a bearer token (counted per client address when wrong, lock-out past the limit)
 *   or a browser session (cookie) whose user is enabled and whose credential generation is current.
 */
@Injectable()
export class AccessPolicy {
  private readonly allowedHosts: ReadonlySet<string>;
  private readonly behindProxy: boolean;

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionStore,
    private readonly failures: AuthFailureThrottle,
    config: ConfigService,
  ) {
    this.allowedHosts = new Set(
      String(config.get('LIBERTY_ALLOWED_HOSTS') ?? '')
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean),
    );
    this.behindProxy =
      String(config.get('LIBERTY_TRUST_PROXY') ?? '').trim() !== '' &&
      String(config.get('LIBERTY_TRUST_PROXY')).trim() !== 'false';
  }

  /**
   * DNS rebinding: a page on `evil.example`, resolved to 127.0.0.1, reaches a loopback-bound app
   * with `Host: evil.example`. A connection that arrived on a loopback address must name the
   * loopback (`localhost`, `127.x.y.z`, `[::1]`) or a host of `LIBERTY_ALLOWED_HOSTS`. Behind a
   * reverse proxy (`LIBERTY_TRUST_PROXY`) the proxy chooses the virtual host; list its names.
   */
  checkHost(request: PolicyRequest): void {
    if (!isLoopback(request.socket?.localAddress)) return;
    const hostHeader = header(request, 'host') ?? '';
    const name = hostName(hostHeader);
    if (isLoopbackName(name) || this.allowedHosts.has(name)) return;
    if (this.behindProxy && this.allowedHosts.size === 0) return;
    throw new AccessDenied(421, {
      statusCode: 421,
      code: 'HOST_NOT_ALLOWED',
      message: `Host ${JSON.stringify(hostHeader.slice(0, 100))} is not this app's; list extra names in LIBERTY_ALLOWED_HOSTS`,
    });
  }

  /**
   * A browser says where a call comes from: `Sec-Fetch-Site` must be `same-origin` (or `none`,
   * typed by the user) and `Origin`, when sent, must be this app's own origin. Clients that are
   * not browsers send neither and pass.
   */
  checkOrigin(request: PolicyRequest): void {
    const site = header(request, 'sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') refuseCrossOrigin(`Sec-Fetch-Site is ${site}`);
    const origin = header(request, 'origin');
    const own = ownOrigin(request);
    // The hint matters behind a TLS-terminating proxy: without trust proxy the app sees http://.
    if (origin !== undefined && origin !== own) {
      refuseCrossOrigin(
        `Origin ${origin} is not this app's origin ${own}; behind a reverse proxy, set LIBERTY_TRUST_PROXY`,
      );
    }
  }

  /** Whether the call carries a browser session cookie (the credential a browser attaches by itself). */
  carriesSession(request: PolicyRequest): boolean {
    return readSessionId(request) !== undefined;
  }

  /**
   * The caller, from `Authorization: Bearer <token>` or the session cookie; else `AccessDenied`.
   * Wrong bearer tokens are counted against the client address (`countFailures`, the default):
   * past `LIBERTY_AUTH_RATE_LIMIT` a minute, every token from that address is refused for 5
   * minutes, whichever transport it comes by. Re-checking a credential already accepted (a socket's
   * later messages) passes `countFailures: false`.
   */
  async authenticate(request: PolicyRequest, options: { countFailures?: boolean } = {}): Promise<AuthenticatedUser> {
    const token = bearerOf(request);
    if (token !== undefined) {
      const client = options.countFailures === false ? undefined : clientOf(request);
      try {
        if (client) this.failures.assertAllowed(client);
        const user = token ? await this.users.authenticate(token) : undefined;
        if (user) return user;
        if (client) await this.failures.recordFailure(client);
      } catch (error) {
        if (error instanceof TooManyAttemptsException) {
          throw new AccessDenied(429, error.getResponse() as AccessDenied['body'], error.retryAfterSeconds);
        }
        throw error;
      }
      throw unauthorized('Invalid or disabled token');
    }
    const sessionId = readSessionId(request);
    if (!sessionId) throw unauthorized('Authentication required: send "Authorization: Bearer <token>" or sign in');
    const userId = await this.sessions.userOf(sessionId);
    const user = userId ? await this.users.authenticateId(userId) : undefined;
    if (!user) throw unauthorized('Session expired or signed out; sign in again');
    return user;
  }
}

/** The client a request is counted against: Express's `req.ip` (`X-Forwarded-For` only behind a trusted proxy). */
export function clientOf(request: PolicyRequest): string {
  return request.ip ?? request.socket?.remoteAddress ?? 'unknown';
}

/** The bearer token of `Authorization` (`''` for a malformed header), or `undefined` without one. */
export function bearerOf(request: Pick<PolicyRequest, 'headers'>): string | undefined {
  const value = request.headers.authorization;
  if (typeof value !== 'string') return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(value)?.[1] ?? '';
}

export function header(request: Pick<PolicyRequest, 'headers'>, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Express 5: `req.protocol` and `req.host` (with its port) honour `trust proxy`. */
export function ownOrigin(request: PolicyRequest): string {
  return `${request.protocol ?? 'http'}://${request.host ?? header(request, 'host') ?? ''}`;
}

function unauthorized(message: string): AccessDenied {
  return new AccessDenied(401, { statusCode: 401, code: 'UNAUTHORIZED', message });
}

function refuseCrossOrigin(why: string): never {
  throw new AccessDenied(403, {
    statusCode: 403,
    code: 'CROSS_ORIGIN_REQUEST',
    message: `Cross-origin request refused (${why.slice(0, 300)})`,
  });
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
}

/** `Host` without its port, lower-case; `[::1]:3000` → `::1`. */
function hostName(value: string): string {
  const text = value.trim().toLowerCase();
  if (text.startsWith('[')) return text.slice(1, text.indexOf(']') < 0 ? undefined : text.indexOf(']'));
  const colon = text.lastIndexOf(':');
  return colon < 0 ? text : text.slice(0, colon);
}

function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || isLoopback(name);
}
