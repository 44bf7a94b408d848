import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service.js';

/** How long a browser session lasts (absolute, not sliding): 8 hours, the cookie's Max-Age. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/**
 * Server-side browser sessions, in the app's database (every replica sees them). The cookie
 * carries a random session id (256 bits), never the user's bearer token, so signing out revokes
 * it for good and a stolen cookie dies with its session. Ids are stored hashed, like tokens.
 *
 * Each session carries its user's credential generation (`users.session_generation`) from when it
 * started, and is live only while that is still the user's: rotating `LIBERTY_ADMIN_TOKEN`,
 * disabling a user and "sign out everywhere" move the generation on, so every older session ends
 * at once on every replica — and re-enabling a user revives none of them.
 */
@Injectable()
export class SessionStore {
  constructor(private readonly database: Database) {}

  /** A new session for `userId` at its current generation; returns its id (for the cookie). Expired sessions are swept. */
  async create(userId: string, now = Date.now()): Promise<string> {
    const db = this.database.db;
    await db.deleteFrom('sessions').where('expires_at', '<=', iso(now)).execute();
    const user = await db
      .selectFrom('users')
      .select('session_generation')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    const id = randomBytes(32).toString('base64url');
    await db
      .insertInto('sessions')
      .values({
        id_hash: hash(id),
        user_id: userId,
        expires_at: iso(now + SESSION_MAX_AGE_SECONDS * 1000),
        generation: user.session_generation,
      })
      .execute();
    return id;
  }

  /** The user of a live session — not expired, and of the user's current generation — if any. */
  async userOf(id: string, now = Date.now()): Promise<string | undefined> {
    const row = await this.database.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.user_id', 'sessions.expires_at'])
      .where('sessions.id_hash', '=', hash(id))
      .whereRef('sessions.generation', '=', 'users.session_generation')
      .executeTakeFirst();
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
