import type { Permission } from './permissions.constants.js';

/** The user a request is made by (set by `AuthGuard` on `request.user`). */
export interface AuthenticatedUser {
  readonly id: string;
  readonly name: string;
  readonly permissions: readonly Permission[];
}

export interface AuthenticatedRequest {
  user?: AuthenticatedUser;
  headers: Record<string, string | string[] | undefined>;
  /** Express's client address (`X-Forwarded-For` only behind a trusted proxy). */
  ip?: string;
  socket?: { remoteAddress?: string };
  /** Express: true over HTTPS (`X-Forwarded-Proto` behind a trusted proxy). */
  secure?: boolean;
}
