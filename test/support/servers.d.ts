// Types of servers.js (the tests import it from TypeScript).
export declare const PG_BIN: string;

export interface PostgresServer {
  readonly port: number;
  /** A new empty database on this server, as a `DATABASE_URL`. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server, keeping its data (`fast`: sessions terminated; `immediate`: as a crash). */
  halt(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port after `halt()`. */
  start(): Promise<void>;
  stop(): Promise<void>;
}
export declare function startPostgres(): Promise<PostgresServer>;

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Kills the server (as a crash would); `start()` brings it back on the same port. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Deletes the persisted data of a killed server: the next `start()` begins empty. */
  wipe(): Promise<void>;
  stop(): Promise<void>;
}
export declare function startRedis(options?: { persistent?: boolean; args?: string[] }): Promise<RedisServer>;
