/** The two databases the sample app runs on. */
export type DatabaseKind = 'sqlite' | 'postgres';

/**
 * The sample app's tables. Types are the portable subset of SQLite and PostgreSQL: booleans are
 * 0/1 integers and times are ISO-8601 text, so one code path reads both dialects alike.
 */
export interface DatabaseSchema {
  users: {
    id: string;
    name: string;
    /** JSON array of permissions. */
    permissions: string;
    enabled: number;
    /** SHA-256 of the bearer token (base64url); the token itself is never stored. */
    token_hash: string;
    created_at: string;
    /** Moves on when the user's credential changes (token rotation, disable, sign out everywhere): older sessions end. */
    session_generation: number;
  };
  connector_settings: {
    id: string;
    licensed: number;
  };
  ai_usage: {
    day: string;
    count: number;
  };
  /** One row (`current`): the latest time the app has seen, ISO 8601 UTC with ms (sorts as text). */
  license_clock: {
    id: string;
    latest: string;
  };
  license_activation: {
    /** Always `current`: one activated key per install. */
    id: string;
    token: string;
    updated_at: string;
  };
  /** Browser sessions (issue 13): shared by every replica, so a load balancer needs no stickiness. */
  sessions: {
    /** SHA-256 of the session id (base64url); the id itself lives only in the browser's cookie. */
    id_hash: string;
    user_id: string;
    /** ISO-8601; the session ends then (absolute, not sliding). */
    expires_at: string;
    /** The user's `session_generation` when the session started; live only while still equal. */
    generation: number;
  };
  /** Per UTC day (`YYYY-MM-DD`): the peak of enabled users and the AI messages used. */
  usage_history: {
    day: string;
    peak_users: number;
    ai_messages: number;
  };
  /**
   * Settings changed at run time that every replica must run (issue 18), with `DATABASE_URL` only:
   * `license` holds the `[license]` settings PUT changed (JSON), `version` grows with each change.
   */
  shared_settings: {
    name: string;
    value: string;
    version: number;
    updated_at: string;
  };
}
