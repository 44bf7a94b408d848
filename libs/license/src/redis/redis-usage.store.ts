import type { UsageStore } from '../usage/usage-store.interface.js';
import { checkInstall, command, redisKey, RedisScript, type RedisCommandClient } from './redis.client.js';

export interface RedisUsageStoreOptions {
  /** A connected node-redis client (created with `disableOfflineQueue: true`, as `connectRedis()` does). */
  readonly client: RedisCommandClient;
  /** Names the install in the keys (`liberty:{<install>}:ai:<day>`); default `default`. */
  readonly install?: string;
  /** A call without an answer after this long fails (503). Default 2000 ms. */
  readonly timeoutMs?: number;
  /** How long a day's counter is kept after its first message. Default 3 days. */
  readonly retentionSeconds?: number;
}

// KEYS[1] the day's counter; ARGV: by, limit (-1: none), expiry seconds. Returns the new count, or
// -1 when `by` would pass the limit (then nothing changed: the script is atomic, so no client ever
// sees the increment it takes back). The common path is one INCRBY. The expiry is set once, by the
// call that created the counter (n == by), so the day's key expires on its own.
const CONSUME = new RedisScript(`
local by = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local n = redis.call('INCRBY', KEYS[1], by)
if n == by then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
if limit >= 0 and n > limit then
  redis.call('DECRBY', KEYS[1], by)
  return -1
end
if n < 0 then
  redis.call('SET', KEYS[1], 0, 'KEEPTTL')
  return 0
end
return n
`);

/**
 * The daily AI message counter shared by every replica of an install, in Redis. Each call is one
 * Lua script: the cap check and the increment are one atomic step, so N replicas never allow more
 * than the licensed messages. A Redis that is down or slow makes the call fail (the limiter
 * answers 503 `USAGE_STORE_UNAVAILABLE`); nothing is retried, so nothing is counted twice.
 */
export class RedisUsageStore implements UsageStore {
  private readonly client: RedisCommandClient;
  private readonly install: string;
  private readonly timeoutMs: number;
  private readonly retention: string;

  constructor(options: RedisUsageStoreOptions) {
    this.client = options.client;
    this.install = checkInstall(options.install ?? 'default');
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.retention = String(options.retentionSeconds ?? 3 * 86_400);
  }

  key(day: string): string {
    return redisKey(this.install, 'ai', day);
  }

  async increment(day: string, by: number): Promise<number> {
    return Number(
      await CONSUME.run<number>(
        this.client,
        [this.key(day)],
        [String(Math.trunc(by)), '-1', this.retention],
        this.timeoutMs,
      ),
    );
  }

  async incrementBelow(day: string, limit: number): Promise<number | null> {
    const n = Number(
      await CONSUME.run<number>(this.client, [this.key(day)], ['1', String(limit), this.retention], this.timeoutMs),
    );
    return n < 0 ? null : n;
  }

  async get(day: string): Promise<number> {
    return Number((await command<string | null>(this.client, ['GET', this.key(day)], this.timeoutMs)) ?? 0);
  }
}
