import { createHash } from 'node:crypto';
import { printable } from '../verification/rejection-reasons.js';

/**
 * The node-redis calls this subpath makes. A connected client of `redis` ≥ 5 (`createClient()`)
 * fits; the types stay structural so that `redis` is only an optional peer.
 */
export interface RedisCommandClient {
  readonly isReady: boolean;
  sendCommand(args: string[]): Promise<unknown>;
}

/** A dedicated connection in subscriber mode (`client.duplicate()`, connected). */
export interface RedisSubscriberClient {
  readonly isReady: boolean;
  subscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}

/** Two connections to one Redis (commands, subscriber) opened from a URL by `connectRedis()`. */
export interface RedisConnections {
  readonly client: RedisCommandClient;
  readonly subscriber: RedisSubscriberClient;
  close(): Promise<void>;
}

/** Why Redis could not be used: a timeout, "not connected", or Redis's own error message. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * Opens the two connections from `url`, with what this library needs: no offline queue (a command
 * issued while Redis is down fails at once instead of running later, when its caller has already
 * been answered: nothing is counted twice or late), reconnection with back-off up to 2 s, and
 * errors handled (logged by the caller's `onError`, never an unhandled `error` event). Returns at
 * once; the connections come up in the background (and again after each outage).
 * Loads `redis` only when called.
 */
export async function connectRedis(url: string, onError: (error: Error) => void = () => undefined): Promise<RedisConnections> {
  let redis: typeof import('redis');
  try {
    redis = await import('redis');
  } catch {
    throw new Error('REDIS_URL is set but the "redis" package (node-redis >= 5) is not installed: npm install redis@^5');
  }
  const client = redis.createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 5_000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000) },
  });
  client.on('error', onError);
  // The subscriber queues SUBSCRIBE until it is connected (and node-redis re-subscribes after a
  // reconnect); only the command connection must fail fast.
  const subscriber = client.duplicate({ disableOfflineQueue: false });
  subscriber.on('error', onError);
  // Not awaited: a Redis that is down at startup must not stop the app from serving. Until it is
  // reachable, counted calls get 503 and the bus catches up once connected.
  void client.connect().catch(onError);
  void subscriber.connect().catch(onError);
  return {
    client: client as unknown as RedisCommandClient,
    subscriber: subscriber as unknown as RedisSubscriberClient,
    async close() {
      await Promise.allSettled([client.close(), subscriber.close()]);
    },
  };
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
        timer = setTimeout(() => reject(new RedisUnavailableError(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
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
