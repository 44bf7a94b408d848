import { Logger } from '@nestjs/common';
import { LICENSE_LOGGER_CONTEXT } from '../license.constants.js';
import type { LicenseService } from '../license.service.js';
import { replicaPresenceOf, type ReplicaPresence } from '../state/replica-presence.util.js';
import { printable } from '../verification/rejection-reasons.util.js';
import { redisKey, RedisScript, type RedisCommandClient } from './redis.client.js';

/** What `RedisReplicaPresence.list()` found: the replicas, and whether Redis could be asked. */
export interface ReplicaList {
  /** This replica first, then the others by id. This replica alone when Redis is unreachable. */
  readonly replicas: ReplicaPresence[];
  /** `unavailable`: Redis did not answer, so the other replicas are unknown (not gone). */
  readonly redis: 'connected' | 'unavailable';
}

export interface RedisReplicaPresenceOptions {
  readonly client: RedisCommandClient;
  readonly replicaId: string;
  /** Per process, never shared: tells this process's entry from another one's under the same id. */
  readonly instance: string;
  /** Already checked (`checkInstall`). */
  readonly install: string;
  readonly ttlMs: number;
  readonly timeoutMs: number;
}

/** At most this many replicas are listed, and entries longer than this are skipped (a writer to Redis cannot make the page huge). */
const MAX_REPLICAS = 100;
const MAX_ENTRY_BYTES = 1_024;

// Times are Redis's own clock (TIME), so replicas with skewed clocks agree on who expired, and an
// entry whose "last seen" lies in the future (only a forged one can) is dropped instead of listed
// forever. `replicate_commands` is needed by Redis 5-6 to write after TIME (a no-op on Redis 7).
const NOW_MS = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;
const PRUNE = `
local cutoff = now - tonumber(ARGV[1])
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. cutoff)
local future = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. (now + 1000), '+inf')
for _, id in ipairs(future) do table.insert(gone, id) end
for _, id in ipairs(gone) do
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
end
`;

// KEYS: entries hash, last-seen sorted set. ARGV: ttl ms, id, entry json.
// Returns the entry this one replaced (false when none): the caller tells whether another live
// process wrote under the same id since its own previous heartbeat.
const HEARTBEAT = new RedisScript(`${NOW_MS}${PRUNE}
local previous = redis.call('HGET', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[2], now, ARGV[2])
local keep = math.ceil(tonumber(ARGV[1]) / 1000) * 10
redis.call('EXPIRE', KEYS[1], keep)
redis.call('EXPIRE', KEYS[2], keep)
return previous
`);

// KEYS: entries hash, last-seen sorted set. ARGV: id, instance. Removes the entry only if this
// process wrote it: a duplicate shutting down must not hide the live replica under the same id.
const LEAVE = new RedisScript(`
local value = redis.call('HGET', KEYS[1], ARGV[1])
if value and string.find(value, '"instance":"' .. ARGV[2] .. '"', 1, true) then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 1
end
return 0
`);

// KEYS: entries hash, last-seen sorted set. ARGV: ttl ms, max entries, max bytes.
// The entries seen within the ttl (and not in the future), at most ARGV[2], none longer than ARGV[3].
const LIST = new RedisScript(`${NOW_MS}
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], now - tonumber(ARGV[1]), now + 1000, 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  local value = redis.call('HGET', KEYS[1], id)
  if value and string.len(value) <= tonumber(ARGV[3]) then table.insert(out, value) end
end
return out
`);

/**
 * Who the replicas of one install are: each replica writes its `ReplicaPresence` (id, status, key
 * fingerprint — never the key —, verifiedAt, lastSeenAt) on every heartbeat, and `list()` returns
 * those seen within the ttl. Entries expire by Redis's clock: a replica that died, and an entry
 * somebody forged, are gone within the ttl. A second live process writing under this replica's id
 * is reported once, loudly (see `docs/replicas-and-persistence.md`).
 *
 * Used by `RedisLicenseBus`, which beats on every state change and every interval.
 */
export class RedisReplicaPresence {
  private readonly logger = new Logger(LICENSE_LOGGER_CONTEXT);
  private readonly keys: [string, string];
  /** Whether the previous heartbeat was written (then a foreign entry now means a live duplicate). */
  private wrote = false;
  private duplicated = false;

  constructor(
    private readonly license: LicenseService,
    private readonly options: RedisReplicaPresenceOptions,
  ) {
    this.keys = [redisKey(options.install, 'replicas', 'info'), redisKey(options.install, 'replicas', 'seen')];
  }

  /** This replica now. */
  self(): ReplicaPresence {
    return replicaPresenceOf(this.license, this.options.replicaId);
  }

  /** Writes this replica's entry. Throws `RedisUnavailableError` when Redis cannot be used. */
  async beat(): Promise<void> {
    const entry = JSON.stringify({ ...this.self(), instance: this.options.instance });
    let previous: string | null;
    try {
      previous = await HEARTBEAT.run<string | null>(
        this.options.client,
        this.keys,
        [String(this.options.ttlMs), this.options.replicaId, entry],
        this.options.timeoutMs,
      );
    } catch (error) {
      this.wrote = false;
      throw error;
    }
    const foreign = typeof previous === 'string' && instanceOf(previous) !== this.options.instance;
    this.noteDuplicate(this.wrote && foreign);
    this.wrote = true;
  }

  /** Removes this replica's entry at once (shutdown) instead of after the ttl, if it is still this process's. Never throws. */
  async leave(): Promise<void> {
    this.wrote = false;
    const { client, replicaId, instance, timeoutMs } = this.options;
    await LEAVE.run(client, this.keys, [replicaId, instance], timeoutMs).catch(() => undefined);
  }

  /** Every replica seen within the ttl, this one first; this one alone when Redis does not answer. */
  async list(): Promise<ReplicaList> {
    const self = this.self();
    try {
      const values = await LIST.run<string[]>(
        this.options.client,
        this.keys,
        [String(this.options.ttlMs), String(MAX_REPLICAS), String(MAX_ENTRY_BYTES)],
        this.options.timeoutMs,
      );
      const others = values
        .flatMap((value) => parsePresence(value) ?? [])
        .filter((presence) => presence.id !== self.id)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { replicas: [self, ...others], redis: 'connected' };
    } catch {
      return { replicas: [self], redis: 'unavailable' };
    }
  }

  /** One error line when a duplicate is first seen, one when it is gone. */
  private noteDuplicate(now: boolean): void {
    if (now === this.duplicated) return;
    this.duplicated = now;
    const id = printable(this.options.replicaId, 128);
    if (now) {
      this.logger.error(
        `license bus: another live process uses replica id "${id}": give each replica its own id (or leave it unset for a unique default); ` +
          'both keep receiving license changes, but the Replicas list shows only one of them',
      );
    } else {
      this.logger.log(`license bus: replica id "${id}" is no longer used by another process`);
    }
  }
}

function instanceOf(raw: string): unknown {
  try {
    return (JSON.parse(raw) as { instance?: unknown }).instance;
  } catch {
    return undefined;
  }
}

const STATUSES = new Set<string>(['accepted', 'rejected', 'not-configured'] satisfies ReplicaPresence['status'][]);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** A stored entry, strictly: known fields only, each of the expected form; anything else is skipped. */
function parsePresence(raw: unknown): ReplicaPresence | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_ENTRY_BYTES) return undefined;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, status, keyFingerprint, verifiedAt, lastSeenAt, settingsFingerprint = '' } = value;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128) return undefined;
  if (typeof status !== 'string' || !STATUSES.has(status)) return undefined;
  if (typeof keyFingerprint !== 'string' || !/^([0-9a-f]{16})?$/.test(keyFingerprint)) return undefined;
  if (
    typeof verifiedAt !== 'string' ||
    !ISO.test(verifiedAt) ||
    typeof lastSeenAt !== 'string' ||
    !ISO.test(lastSeenAt)
  )
    return undefined;
  if (typeof settingsFingerprint !== 'string' || !/^([0-9a-f]{16})?$/.test(settingsFingerprint)) return undefined;
  return {
    id,
    status: status as ReplicaPresence['status'],
    keyFingerprint,
    settingsFingerprint,
    verifiedAt,
    lastSeenAt,
  };
}
