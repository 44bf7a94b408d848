import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

/** How long a browser session lasts (absolute, not sliding): 8 hours, the cookie's Max-Age. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/**
 * Server-side browser sessions, in the app's database (every replica sees them). The cookie
 * carries a random session id (256 bits), never the user's bearer token, so signing out revokes
 * it for good and a stolen cookie dies with its session. Ids are stored hashed, like tokens.
 */
@Injectable()
export class SessionStore {
  constructor(private readonly database: Database) {}

  /** A new session for `userId`; returns its id (for the cookie). Expired sessions are swept. */
  async create(userId: string, now = Date.now()): Promise<string> {
    await this.database.db.deleteFrom('sessions').where('expires_at', '<=', iso(now)).execute();
    const id = randomBytes(32).toString('base64url');
    await this.database.db
      .insertInto('sessions')
      .values({ id_hash: hash(id), user_id: userId, expires_at: iso(now + SESSION_MAX_AGE_SECONDS * 1000) })
      .execute();
    return id;
  }

  /** The user of a live session, if any. */
  async userOf(id: string, now = Date.now()): Promise<string | undefined> {
    const row = await this.database.db.selectFrom('sessions').select(['user_id', 'expires_at']).where('id_hash', '=', hash(id)).executeTakeFirst();
    return row && row.expires_at > iso(now) ? row.user_id : undefined;
  }

  /** Ends a session (sign-out). Unknown ids are ignored. */
  async revoke(id: string): Promise<void> {
    await this.database.db.deleteFrom('sessions').where('id_hash', '=', hash(id)).execute();
  }
}

function hash(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
