import { dirname, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { FEATURE_ID_PATTERN, FILE_SIZE_CAPS, FileReadError, readBoundedFile } from '@liberty/license/verify';
import { keyReferenceProblem as licenseKeyReferenceProblem } from '@liberty/license';

export type Enforcement = 'restricted' | 'soft';

/** The `[license]` settings the settings page reads and writes. */
export interface LicenseSettings {
  /** `${NAME}`: the environment variable holding the key (never the key). */
  license_key: string;
  /** PEM of the signing authority; relative to the config file's directory. Empty: `LIBERTY_PUBLIC_KEY_PATH`. */
  public_key_path: string;
  enforcement: Enforcement;
}

/** Where the key comes from: the environment variable (Liberty), or pasted and kept in the database (ai.doo). */
export type KeyStoreKind = 'env' | 'database';

/** `[license]` as a whole. */
export interface LicenseSection extends LicenseSettings {
  /** Absent when `issuer` is set without an audience (ai.doo keys carry no aud). */
  audience?: string;
  issuer?: string | string[];
  /** How often `<NAME>_FILE` is checked for a rotated key, in ms (0 disables). Library default 2000. */
  key_file_poll_interval_ms?: number;
  /** This install's name (or a `${NAME}` reference): keys bound to another instance are rejected. */
  instance?: string;
  /** Days a key stays accepted after `exp` (library `graceDays`; default 0). */
  grace_days?: number;
  /** The vendor's signed revocation list; relative to the config file's directory. */
  revocation_list_path?: string;
  /** `env` (default): `license_key`'s variable; `database`: activation by paste (POST /api/license/activate). */
  key_store?: KeyStoreKind;
  /** Where the License page's "Renew or contact the vendor" link leads (an https:, http: or mailto: URL). */
  renew_url?: string;
}

/** A `[[connectors]]` or `[[apps]]` entry. */
export interface ItemDefinition {
  id: string;
  name: string;
  /** Whether the item needs the license (`connector:<id>` / `app:<id>`). */
  licensed: boolean;
}

export interface AppConfig {
  license: LicenseSection;
  connectors: ItemDefinition[];
  apps: ItemDefinition[];
}

/** The parsed file: the validated config plus where it came from. */
export interface LoadedAppConfig {
  path: string;
  config: AppConfig;
}

/** A config file that cannot be read, parsed or validated; names the file (and line, for syntax). */
export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
  constructor(
    readonly file: string,
    detail: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`Invalid configuration in ${file}${line ? ` (line ${line}, column ${column ?? 1})` : ''}: ${detail}`);
  }
}

/** Ids of connectors and apps: the library's feature-id rule (`connector:<id>`). */
export const ITEM_ID = FEATURE_ID_PATTERN;

/** Why `value` is not a valid `license_key` (a `${NAME}` reference), or `undefined`. */
export function keyReferenceProblem(value: unknown): string | undefined {
  return typeof value === 'string'
    ? licenseKeyReferenceProblem(value)
    : 'must be a string like "${LIBERTY_LICENSE_KEY}"';
}

/** The config file's text: a regular file of at most 1 MiB (DESIGN 8), else `FileReadError`. */
export function readConfigText(file: string): Promise<string> {
  return readBoundedFile(file, FILE_SIZE_CAPS.config);
}

export async function readAppConfig(path: string): Promise<LoadedAppConfig> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readConfigText(file);
  } catch (error) {
    throw new AppConfigError(
      file,
      `cannot read the file (${error instanceof FileReadError ? error.detail : 'read error'})`,
    );
  }
  return { path: file, config: validateAppConfig(parseToml(file, text), file) };
}

/** Parses TOML; a syntax error becomes an `AppConfigError` with the line and column. */
export function parseToml(file: string, text: string): Record<string, unknown> {
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof TomlError) {
      const first = error.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
      throw new AppConfigError(file, `malformed TOML: ${first}`, error.line, error.column);
    }
    throw error;
  }
}

/** Checks the parsed document; every problem names its key. Unknown sections are kept, not checked. */
export function validateAppConfig(doc: Record<string, unknown>, file: string): AppConfig {
  const fail = (path: string, message: string): never => {
    throw new AppConfigError(file, `${path}: ${message}`);
  };
  const section = doc.license ?? {};
  if (!isTable(section)) fail('license', 'must be a table ([license])');
  const license = section as Record<string, unknown>;
  const licenseKey = license.license_key ?? '${LIBERTY_LICENSE_KEY}';
  const keyProblem = keyReferenceProblem(licenseKey);
  if (keyProblem) fail('license.license_key', keyProblem);
  const publicKeyPath = license.public_key_path ?? '';
  if (typeof publicKeyPath !== 'string') fail('license.public_key_path', 'must be a string (a path, or "")');
  const enforcement = license.enforcement ?? 'restricted';
  if (enforcement !== 'restricted' && enforcement !== 'soft')
    fail('license.enforcement', 'must be "restricted" or "soft"');
  const issuer = license.issuer;
  // Liberty's audience is the default; an issuer alone binds ai.doo keys, which carry no aud.
  const audience = license.audience ?? (issuer === undefined ? 'liberty' : undefined);
  if (audience !== undefined && (typeof audience !== 'string' || audience === ''))
    fail('license.audience', 'must be a non-empty string');
  const keyStore = license.key_store;
  if (keyStore !== undefined && keyStore !== 'env' && keyStore !== 'database')
    fail('license.key_store', 'must be "env" or "database"');
  if (
    issuer !== undefined &&
    !(typeof issuer === 'string' || (Array.isArray(issuer) && issuer.every((i) => typeof i === 'string')))
  ) {
    fail('license.issuer', 'must be a string or a list of strings');
  }
  const poll = license.key_file_poll_interval_ms;
  if (poll !== undefined && !(typeof poll === 'number' && Number.isInteger(poll) && poll >= 0)) {
    fail('license.key_file_poll_interval_ms', 'must be a whole number of milliseconds (0 disables)');
  }
  const instance = license.instance;
  if (instance !== undefined && (typeof instance !== 'string' || instance.trim() === '')) {
    fail('license.instance', 'must be a non-empty string (a name, or "${LIBERTY_INSTANCE}")');
  }
  const graceDays = license.grace_days;
  if (
    graceDays !== undefined &&
    !(typeof graceDays === 'number' && Number.isInteger(graceDays) && graceDays >= 0 && graceDays <= 365)
  ) {
    fail('license.grace_days', 'must be a whole number of days from 0 to 365');
  }
  const revocationList = license.revocation_list_path;
  if (revocationList !== undefined && (typeof revocationList !== 'string' || revocationList.trim() === '')) {
    fail('license.revocation_list_path', 'must be a non-empty path (relative to this file), or left out');
  }
  const renewUrl = license.renew_url;
  if (renewUrl !== undefined && !isLinkUrl(renewUrl))
    fail('license.renew_url', 'must be an https:, http: or mailto: URL, or left out');
  return {
    license: {
      license_key: licenseKey as string,
      public_key_path: publicKeyPath as string,
      enforcement: enforcement as Enforcement,
      ...(audience !== undefined ? { audience: audience as string } : {}),
      ...(issuer !== undefined ? { issuer: issuer as string | string[] } : {}),
      ...(poll !== undefined ? { key_file_poll_interval_ms: poll as number } : {}),
      ...(instance !== undefined ? { instance: instance as string } : {}),
      ...(graceDays !== undefined ? { grace_days: graceDays as number } : {}),
      ...(revocationList !== undefined ? { revocation_list_path: revocationList as string } : {}),
      ...(keyStore !== undefined ? { key_store: keyStore as KeyStoreKind } : {}),
      ...(renewUrl !== undefined ? { renew_url: renewUrl as string } : {}),
    },
    connectors: items(doc.connectors, 'connectors', fail),
    apps: items(doc.apps, 'apps', fail),
  };
}

function items(value: unknown, key: string, fail: (path: string, message: string) => never): ItemDefinition[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return fail(key, `must be an array of tables ([[${key}]])`);
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const at = `${key}[${index}]`;
    if (!isTable(entry)) return fail(at, `must be a table ([[${key}]])`);
    const { id, name, licensed } = entry;
    if (typeof id !== 'string' || !ITEM_ID.test(id)) fail(`${at}.id`, 'must be 1-64 letters, digits, ".", "_" or "-"');
    if (seen.has(id)) fail(`${at}.id`, `duplicate id "${id}"`);
    seen.add(id);
    if (name !== undefined && (typeof name !== 'string' || name.length > 200)) fail(`${at}.name`, 'must be a string');
    if (typeof licensed !== 'boolean') fail(`${at}.licensed`, 'must be true or false (whether it needs the license)');
    return { id, name: name ?? id, licensed };
  });
}

/** A link a page may show: absolute https:, http: or mailto: (never javascript: or a relative path). */
function isLinkUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 2000) return false;
  try {
    return ['https:', 'http:', 'mailto:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * The public key file to verify with: `public_key_path` (relative to the config file's directory),
 * else `LIBERTY_PUBLIC_KEY_PATH` (relative to the working directory), else none.
 */
export function resolvePublicKeyPath(
  configured: string,
  configFile: string,
  fallback: string | undefined,
): string | undefined {
  if (configured.trim() !== '') return resolve(dirname(configFile), configured.trim());
  if (fallback && fallback.trim() !== '') return resolve(fallback.trim());
  return undefined;
}
