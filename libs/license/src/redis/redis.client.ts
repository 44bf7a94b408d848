import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { LicenseConfigurationError } from '../options/license-configuration.error.js';
import { printable } from '../verification/rejection-reasons.util.js';

/**
 * The node-redis calls this subpath makes. A connected client of `redis` ≥ 5 (`createClient()`)
 * fits; the types stay structural so that `redis` is only an optional peer.
 */
export interface RedisCommandClient {
  readonly isReady: boolean;
  sendCommand(args: string[]): Promise<unknown>;
  /** node-redis's "ready" (connected, or reconnected): the bus catches up at once, not a tick later. */
  on?(event: 'ready', listener: () => void): unknown;
  off?(event: 'ready', listener: () => void): unknown;
}

/** A dedicated connection in subscriber mode (`client.duplicate()`, connected). */
export interface RedisSubscriberClient {
  readonly isReady: boolean;
  subscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}

/** Two connections to one Redis (commands, subscriber), from `connectRedis()` / `openRedis()`. */
export interface RedisConnections {
  readonly client: RedisCommandClient;
  readonly subscriber: RedisSubscriberClient;
  /** Starts connecting (in the background), if not yet. `connectRedis()` has already called it. */
  open(): void;
  /** Closes the connections this object opened (never a client the host passed in). */
  close(): Promise<void>;
}

/**
 * A node-redis client (`createClient()` of `redis` 5 or 6) that the host created, connects and
 * closes. Typed loosely so that `redis` stays an optional peer and both majors fit.
 */
export interface RedisHostClient {
  readonly isReady: boolean;
  duplicate(...args: never[]): unknown;
}

/** What `openRedis()` connects to: a URL (it owns both connections) or the host's client. */
export type RedisSource =
  | { readonly url: string; readonly client?: undefined }
  | { readonly client: RedisHostClient; readonly url?: undefined };

/** Why Redis could not be used: a timeout, "not connected", or Redis's own error message. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  readonly code = 'REDIS_UNAVAILABLE';
}

/** The parts of a node-redis client that opening and closing use. */
interface OwnedClient {
  readonly isOpen: boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): unknown;
  duplicate(overrides?: object): OwnedClient;
}

const RECONNECT = {
  connectTimeout: 5_000,
  reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000),
};

/**
 * Opens what this library needs from a URL: a command connection with no offline queue (a command
 * issued while Redis is down fails at once instead of running later, when its caller has already
 * been answered: nothing is counted twice or late), a dedicated subscriber connection, reconnection
 * with back-off up to 2 s, and errors handled (passed to `onError`, never an unhandled `error`
 * event). Returns at once; the connections come up in the background (and again after each
 * outage). `close()` closes both. Loads `redis` only when called. Same as
 * `openRedis({ url }, onError)`.
 */
export function connectRedis(
  url: string,
  onError: (error: Error) => void = () => undefined,
): Promise<RedisConnections> {
  return openRedis({ url }, onError);
}

/**
 * `connectRedis()` for a URL; with the host's `client`, uses it for commands as it is and opens
 * only the subscriber (`client.duplicate()`). `close()` closes what was opened here, never the
 * host's client: who creates a connection closes it. With `lazy`, nothing connects until `open()`.
 */
export async function openRedis(
  source: RedisSource,
  onError: (error: Error) => void = () => undefined,
  options: { lazy?: boolean } = {},
): Promise<RedisConnections> {
  let client: OwnedClient;
  const owned: OwnedClient[] = [];
  if (source.client) {
    if (typeof source.client.duplicate !== 'function')
      throw new TypeError('client must be a node-redis client (createClient() of redis 5 or 6)');
    client = source.client as unknown as OwnedClient;
  } else {
    if (typeof source.url !== 'string' || !/^rediss?:\/\//.test(source.url)) {
      throw new TypeError('url must be a redis:// or rediss:// URL');
    }
    let redis: typeof import('redis');
    try {
      redis = await import('redis');
    } catch {
      throw new Error('the "redis" package (node-redis 5 or 6) is not installed: npm install redis');
    }
    client = redis.createClient({
      url: source.url,
      disableOfflineQueue: true,
      socket: RECONNECT,
    });
    client.on('error', onError);
    owned.push(client);
  }
  // The subscriber queues SUBSCRIBE until it is connected (and node-redis re-subscribes after a
  // reconnect); only the command connection must fail fast.
  const subscriber = client.duplicate({ disableOfflineQueue: false, ...(source.client ? {} : { socket: RECONNECT }) });
  subscriber.on('error', onError);
  owned.push(subscriber);
  let opened = false;
  const connections: RedisConnections = {
    client: client as unknown as RedisCommandClient,
    subscriber: subscriber as unknown as RedisSubscriberClient,
    open() {
      if (opened) return;
      opened = true;
      // Not awaited: a Redis that is down at startup must not stop the app from serving. Until it
      // is reachable, counted calls get 503 and the bus catches up once connected.
      for (const connection of owned) void connection.connect().catch(onError);
    },
    async close() {
      await Promise.all(owned.map(shut));
    },
  };
  // `lazy`: LicenseRedisModule opens at onModuleInit, so an app whose creation fails before that
  // never opened a socket that would keep its process alive.
  if (!options.lazy) connections.open();
  return connections;
}

/** QUIT politely (pending replies first); a connection that cannot (Redis down) is destroyed. */
async function shut(connection: OwnedClient): Promise<void> {
  if (connection.isOpen) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      connection.close().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, 1_000))),
    ]);
    clearTimeout(timer);
  }
  if (connection.isOpen) connection.destroy();
}

/**
 * A replica id unique to this process: host name, pid and 4 random hex digits
 * (`web-7f9c-1234-a3f0`). Two containers with the same host name and pid 1 still differ.
 */
export function defaultReplicaId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, '')
      .slice(0, 64) || 'replica';
  return `${host}-${process.pid}-${randomBytes(2).toString('hex')}`;
}

/** A replica id given by the host: a non-empty string of at most 128 printable characters. */
export function checkReplicaId(id: unknown): string {
  if (typeof id !== 'string' || id.trim() === '' || id.length > 128 || /[\u0000-\u001f\u007f]/.test(id)) {
    throw new LicenseConfigurationError(
      `replicaId must be a non-empty string of at most 128 printable characters, or left unset for a unique per-process default (got ${typeof id === 'string' ? `"${printable(id, 64)}"` : String(id)})`,
    );
  }
  return id;
}

/**
 * `liberty:{<install>}:<parts>`: the `{install}` hash tag keeps every key of one install in one
 * Redis Cluster slot (scripts may touch several of them).
 */
export function redisKey(install: string, ...parts: string[]): string {
  return `liberty:{${install}}:${parts.join(':')}`;
}

export function checkInstall(install: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(install)) {
    throw new Error(`install must be 1-64 letters, digits, ".", "_" or "-" (got "${printable(install, 64)}")`);
  }
  return install;
}

/** One command, failing fast when not connected and after `timeoutMs` without an answer. */
export async function command<T>(client: RedisCommandClient, args: string[], timeoutMs: number): Promise<T> {
  if (!client.isReady) throw new RedisUnavailableError('Redis is not connected');
  let timer: NodeJS.Timeout | undefined;
  try {
    return (await Promise.race([
      client.sendCommand(args),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new RedisUnavailableError(`Redis did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ])) as T;
  } catch (error) {
    if (error instanceof RedisUnavailableError) throw error;
    throw new RedisUnavailableError(error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
  }
}

/** A Lua script run with EVALSHA (one round trip), loaded by EVAL when Redis does not know it yet. */
export class RedisScript {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run<T>(client: RedisCommandClient, keys: string[], args: string[], timeoutMs: number): Promise<T> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await command<T>(client, ['EVALSHA', this.sha, ...tail], timeoutMs);
    } catch (error) {
      // NOSCRIPT: the script did not run; EVAL runs it (and caches it) — still one execution.
      if (error instanceof RedisUnavailableError && error.message.startsWith('NOSCRIPT')) {
        return command<T>(client, ['EVAL', this.source, ...tail], timeoutMs);
      }
      throw error;
    }
  }
}
