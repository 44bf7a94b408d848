import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/** How long a browser session lasts (absolute, not sliding): 8 hours, the cookie's Max-Age. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;
/** Sessions kept at most; the oldest goes first (sign-in is throttled, this bounds memory anyway). */
const MAX_SESSIONS = 10_000;

interface Session {
  readonly userId: string;
  readonly expiresAt: number;
}

/**
 * Server-side browser sessions. The cookie carries a random session id (256 bits), never the
 * user's bearer token, so signing out revokes it for good and a stolen cookie dies with its
 * session. Ids are stored hashed, like tokens. In memory: a restart signs everybody out.
 */
@Injectable()
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  /** A new session for `userId`; returns its id (for the cookie). */
  create(userId: string, now = Date.now()): string {
    this.sweep(now);
    while (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(hash(id), { userId, expiresAt: now + SESSION_MAX_AGE_SECONDS * 1000 });
    return id;
  }

  /** The user of a live session, if any. */
  userOf(id: string, now = Date.now()): string | undefined {
    const key = hash(id);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    if (session.expiresAt <= now) {
      this.sessions.delete(key);
      return undefined;
    }
    return session.userId;
  }

  /** Ends a session (sign-out). Unknown ids are ignored. */
  revoke(id: string): void {
    this.sessions.delete(hash(id));
  }

  private sweep(now: number): void {
    for (const [key, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(key);
  }
}

function hash(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
