import { printable } from '../verification/rejection-reasons.util.js';

// The bus's wire format, read strictly: what arrives on the channel may come from anyone who can
// publish on the install's Redis (a trust boundary), so it is bounded and shape-checked before use.

/** The license operations a message can announce (each makes the others re-verify). */
export const OPERATIONS: ReadonlySet<string> = new Set<string>(['reverify', 'reconfigure', 'activate', 'deactivate']);
/** A notification topic of the host (`notify()` / `onNotification()`), e.g. `settings.changed`. */
const TOPIC = /^[a-z][a-z0-9._:-]{0,63}$/;
/** A bus message is small; anything longer is dropped unread. */
const MAX_MESSAGE_LENGTH = 512;

/** On the channel: `type` is a license operation (re-verify) or a host topic (its listeners run). */
export interface BusMessage {
  /** The sender's replica id (for log lines). */
  readonly from: string;
  /** The sending process (`instance`): own messages are recognised by it, not by the id. */
  readonly instance: string;
  /** The generation after a license operation; 0 for a topic. */
  readonly generation: number;
  readonly type: string;
}

/** Throws a `TypeError` unless `topic` can name a host notification. */
export function checkTopic(topic: string): void {
  if (typeof topic !== 'string' || !TOPIC.test(topic) || OPERATIONS.has(topic)) {
    throw new TypeError(
      `a bus topic is 1-64 lower-case letters, digits, ".", "_", ":" or "-", not a license operation (got "${printable(topic, 64)}")`,
    );
  }
}

const MESSAGE_FIELDS = new Set(['from', 'instance', 'generation', 'type']);

/**
 * A message from the channel, strictly: at most 512 characters of JSON, an object with exactly the
 * known fields, each of its form. Anything else (a forged or garbled message) is `undefined`.
 */
export function parseMessage(raw: unknown): BusMessage | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_MESSAGE_LENGTH) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = Object.keys(value);
  if (fields.length !== MESSAGE_FIELDS.size || !fields.every((field) => MESSAGE_FIELDS.has(field))) return undefined;
  const { from, instance, generation, type } = value as Record<string, unknown>;
  if (typeof from !== 'string' || from.length === 0 || from.length > 128) return undefined;
  if (typeof instance !== 'string' || !/^[0-9a-f]{16}$/.test(instance)) return undefined;
  if (typeof generation !== 'number' || !Number.isSafeInteger(generation) || generation < 0) return undefined;
  if (typeof type !== 'string' || !(OPERATIONS.has(type) || TOPIC.test(type))) return undefined;
  return { from, instance, generation, type };
}
