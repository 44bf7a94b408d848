import type { IncomingMessage } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Namespace, Server, ServerOptions, Socket } from 'socket.io';
import { AccessDenied, AccessPolicy } from '../auth/access.policy.js';
import { DATABASE_UNAVAILABLE_BODY, isDatabaseUnavailable } from '../database/database-availability.service.js';
import { handshakeRequest } from '../auth/auth-context.util.js';

/**
 * The largest Socket.IO message (or HTTP long-polling body) accepted: 64 KiB. The gateway's
 * messages are a few bytes; Socket.IO's default is 1 MB, which let one client push 790 MB in 13 s.
 */
export const MAX_SOCKET_MESSAGE_BYTES = 64 * 1024;

/**
 * Nest's Socket.IO adapter, guarded by the app's `AccessPolicy` — the same code as HTTP:
 * * every engine.io request (the handshake, each long-polling request, the WebSocket upgrade)
 *   passes the `Host` check and, when a session cookie rides along, the origin check: a page on
 *   another origin cannot use the browser's cookie to open a socket (cross-site WebSocket
 *   hijacking). Refused with 403 before any Socket.IO packet is read;
 * * each connection is authenticated once, at the handshake (a namespace middleware, every
 *   namespace): a wrong token counts against the client address with HTTP's failures, and a locked
 *   out address is refused (`TOO_MANY_ATTEMPTS`); a socket without credentials is never connected;
 * * messages are capped at {@link MAX_SOCKET_MESSAGE_BYTES}; polling answers carry `nosniff` like
 *   every HTTP answer (and engine.io's own `no-store`).
 * The handshake request gets Express's request prototype, so `ip`, `secure` and `host` honour
 * `LIBERTY_TRUST_PROXY` exactly as they do for HTTP.
 */
export class GuardedIoAdapter extends IoAdapter {
  private readonly policy: AccessPolicy;
  private readonly requestPrototype: object;

  constructor(app: INestApplication) {
    super(app);
    this.policy = app.get(AccessPolicy);
    this.requestPrototype = (app.getHttpAdapter().getInstance() as { request: object }).request;
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...(options as Partial<ServerOptions>),
      maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
      allowRequest: (request, callback) => callback(...this.allowRequest(request)),
    } as ServerOptions);
    // Every polling answer, the first one included (engine.io sets `cache-control: no-store` itself).
    server.engine.on('headers', (headers: Record<string, string>) => {
      headers['x-content-type-options'] = 'nosniff';
    });
    const guard = (namespace: Namespace) =>
      namespace.use((socket, next) => void this.authenticate(socket).then(() => next(), next));
    guard(server.of('/'));
    server.on('new_namespace', guard);
    return server;
  }

  private allowRequest(request: IncomingMessage): [string | null, boolean] {
    if (Object.getPrototypeOf(request) !== this.requestPrototype) Object.setPrototypeOf(request, this.requestPrototype);
    try {
      this.policy.checkHost(request);
      if (this.policy.carriesSession(request)) this.policy.checkOrigin(request);
      return [null, true];
    } catch (error) {
      if (error instanceof AccessDenied) return [error.body.message, false];
      throw error;
    }
  }

  private async authenticate(socket: Socket): Promise<void> {
    try {
      (socket.data as Record<string, unknown>).user = await this.policy.authenticate(
        handshakeRequest(socket as Parameters<typeof handshakeRequest>[0]),
      );
    } catch (error) {
      // A database outage: the client's `connect_error` carries the REST 503 body, as for a denial.
      if (isDatabaseUnavailable(error))
        throw Object.assign(new Error(DATABASE_UNAVAILABLE_BODY.message), { data: { ...DATABASE_UNAVAILABLE_BODY } });
      if (!(error instanceof AccessDenied)) throw error;
      // The client's `connect_error` carries the same body as HTTP's answer in `data`.
      throw Object.assign(new Error(error.body.message), {
        data: {
          ...error.body,
          ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
        },
      });
    }
  }
}
