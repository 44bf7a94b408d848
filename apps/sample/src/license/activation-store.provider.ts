import type { LicenseKeyStore } from '@liberty/license';
import type { KeyStoreKind } from '../config/app-config.loader.js';
import type { Database } from '../database/database.service.js';
import { DatabaseKeyStore } from './database-key.store.js';

/**
 * The key store `[license] key_store` selects: `env` (default) is the library's environment store
 * (`license_key` names the variable; nothing to pass), `database` keeps an activated key in the
 * app's database. One place decides, so swapping the store touches nothing else.
 */
export function activationStoreFor(kind: KeyStoreKind | undefined, database: Database): LicenseKeyStore | undefined {
  return kind === 'database' ? new DatabaseKeyStore(database) : undefined;
}
