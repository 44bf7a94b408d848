import { ForbiddenException, type ExecutionContext } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import type { AuthenticatedRequest, AuthenticatedUser } from './authenticated-user.interface.js';

/**
 * Where the caller's credentials are, per transport: the HTTP request (REST and GraphQL over
 * HTTP, whose Apollo context carries `req`) or the Socket.IO handshake (`auth.token` or the
 * `Authorization` header). Microservice messages come from inside the install and carry no user.
 */
export interface AuthCarrier {
  readonly request: AuthenticatedRequest;
  /** Records the authenticated user where handlers read it. */
  attach(user: AuthenticatedUser): void;
}

interface SocketLike {
  handshake?: { headers?: AuthenticatedRequest['headers']; auth?: Record<string, unknown> };
  /** The handshake's HTTP request (with Express's prototype: `secure`, `ip`; see GuardedIoAdapter). */
  request?: object & { secure?: boolean; ip?: string };
  data?: Record<string, unknown>;
}

/**
 * The Socket.IO handshake as a request the access policy reads: its headers, with `auth.token`
 * (`io(url, { auth: { token } })`) as `Authorization: Bearer`, and Express's `secure` / `ip`.
 */
export function handshakeRequest(socket: SocketLike): Pick<AuthenticatedRequest, 'headers' | 'secure' | 'ip'> {
  const headers = { ...socket.handshake?.headers };
  const token = socket.handshake?.auth?.token;
  if (typeof token === 'string') headers.authorization = `Bearer ${token}`;
  return {
    headers,
    ...(socket.request?.secure !== undefined ? { secure: socket.request.secure } : {}),
    ...(socket.request?.ip !== undefined ? { ip: socket.request.ip } : {}),
  };
}

export function authCarrierOf(context: ExecutionContext): AuthCarrier | undefined {
  switch (context.getType<string>()) {
    case 'http': {
      const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
      return { request, attach: (user) => (request.user = user) };
    }
    case 'graphql': {
      const request = context.getArgByIndex<{ req?: AuthenticatedRequest } | undefined>(2)?.req;
      return request
        ? { request, attach: (user) => (request.user = user) }
        : { request: { headers: {} }, attach: () => undefined };
    }
    case 'ws': {
      const socket = context.switchToWs().getClient<SocketLike>();
      return { request: handshakeRequest(socket), attach: (user) => ((socket.data ??= {}).user = user) };
    }
    default:
      return undefined;
  }
}

/** 403 PERMISSION_REQUIRED in the transport's own way. */
export function forbidden(
  context: ExecutionContext,
  body: { statusCode: 403; code: string; permission: string; message: string },
): Error {
  return context.getType() === 'ws' ? new WsException({ ...body }) : new ForbiddenException(body);
}
