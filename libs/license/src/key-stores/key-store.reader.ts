import { printable } from '../verification/rejection-reasons.util.js';
import type { KeyRead } from './environment-key.store.js';
import { KeyStoreReadError, type LicenseKeyStore } from './license-key.store.js';

/**
 * Asks a store for the key and never throws: a failing or misbehaving store (the host's own
 * included) becomes `unreadable` with a short, printable reason — a warning, not a crash.
 */
export async function readKeyStore(store: LicenseKeyStore): Promise<KeyRead> {
  let value: unknown;
  try {
    value = await store.read();
  } catch (error) {
    const source = (error instanceof KeyStoreReadError ? error.source : undefined) ?? store.source ?? 'keyStore';
    // A host's message may carry anything (a newline, a control character): escaped before it is logged.
    const why =
      error instanceof KeyStoreReadError
        ? printable(error.message, 300)
        : `cannot read the key store (${printable((error as Error | undefined)?.message ?? error, 200)})`;
    return { kind: 'unreadable', source, why };
  }
  const source = store.source ?? 'keyStore';
  const empty = store.emptyReadWarning;
  if (value === undefined || value === null) return empty ? { kind: 'unset', why: empty } : { kind: 'unset' };
  if (typeof value !== 'string')
    return { kind: 'unreadable', source, why: 'the key store returned something other than a string' };
  const token = value.trim();
  return token === '' ? { kind: 'unset' } : { kind: 'token', token, source };
}
