/** A setting of the satellite that is missing or wrong: one clear line, exit code 1. */
export class SatelliteConfigError extends Error {
  override readonly name = 'SatelliteConfigError';
}

/** The products this one code base serves (ai.doo's page names PIKA and VERA). */
export const SATELLITE_PRODUCTS = ['pika', 'vera'] as const;
export type SatelliteProduct = (typeof SATELLITE_PRODUCTS)[number];

/** The shortest `LIBERTY_ADMIN_TOKEN` accepted, as in the sample app: it is the admin password. */
export const MIN_ADMIN_TOKEN_LENGTH = 24;

/** What the satellite reads from its environment. */
export interface SatelliteSettings {
  /** `LIBERTY_PRODUCT`: which product this process is (default `pika`). */
  product: SatelliteProduct;
  /** The hub's status endpoint: `LIBERTY_HUB_URL` + `/api/license/status`. */
  statusUrl: string;
  /** `LIBERTY_ADMIN_TOKEN`: the bearer token of the satellite's admin routes; unset → they answer 401. */
  adminToken?: string;
  /** `LIBERTY_ENFORCEMENT`: `soft` (default for a satellite, ai.doo) or `restricted`. */
  enforcement?: 'soft' | 'restricted';
  refreshSeconds?: number;
  timeoutMs?: number;
  maxStaleSeconds?: number;
  retryMaxSeconds?: number;
}

const NUMBERS = {
  LIBERTY_HUB_REFRESH_SECONDS: 'refreshSeconds',
  LIBERTY_HUB_TIMEOUT_MS: 'timeoutMs',
  LIBERTY_HUB_MAX_STALE_SECONDS: 'maxStaleSeconds',
  LIBERTY_HUB_RETRY_MAX_SECONDS: 'retryMaxSeconds',
} as const;

/**
 * `LIBERTY_HUB_URL` is the hub's BASE URL (`http://hub:3000`, or with a path prefix); the status
 * endpoint is `api/license/status` under it. `LIBERTY_HUB_REFRESH_SECONDS`, `LIBERTY_HUB_TIMEOUT_MS`,
 * `LIBERTY_HUB_MAX_STALE_SECONDS` and `LIBERTY_HUB_RETRY_MAX_SECONDS` override the library's
 * defaults (3600 s, 5000 ms, 72 h, 60 s). The hub token is not read here: the library reads
 * `LIBERTY_HUB_TOKEN` itself on every request.
 */
export function satelliteSettings(env: NodeJS.ProcessEnv): SatelliteSettings {
  const base = env.LIBERTY_HUB_URL?.trim();
  if (!base) {
    throw new SatelliteConfigError('LIBERTY_HUB_URL is not set: the base URL of the hub, e.g. http://localhost:3000');
  }
  let statusUrl: string;
  try {
    statusUrl = new URL('api/license/status', base.endsWith('/') ? base : `${base}/`).href;
  } catch {
    throw new SatelliteConfigError('LIBERTY_HUB_URL is not a URL: the base URL of the hub, e.g. http://localhost:3000');
  }
  const product = (env.LIBERTY_PRODUCT?.trim() || 'pika') as SatelliteProduct;
  if (!SATELLITE_PRODUCTS.includes(product)) {
    throw new SatelliteConfigError(`LIBERTY_PRODUCT must be ${SATELLITE_PRODUCTS.join(' or ')}`);
  }
  const enforcement = env.LIBERTY_ENFORCEMENT?.trim();
  if (enforcement && enforcement !== 'soft' && enforcement !== 'restricted') {
    throw new SatelliteConfigError('LIBERTY_ENFORCEMENT must be soft or restricted');
  }
  const adminToken = env.LIBERTY_ADMIN_TOKEN?.trim();
  if (adminToken && (adminToken.length < MIN_ADMIN_TOKEN_LENGTH || /\s/.test(adminToken))) {
    throw new SatelliteConfigError(
      `LIBERTY_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters without blanks; generate one with: openssl rand -hex 24`,
    );
  }
  const settings: SatelliteSettings = { product, statusUrl };
  if (adminToken) settings.adminToken = adminToken;
  if (enforcement) settings.enforcement = enforcement as 'soft' | 'restricted';
  for (const [name, key] of Object.entries(NUMBERS)) {
    const text = env[name]?.trim();
    if (!text) continue;
    if (!/^\d+$/.test(text)) throw new SatelliteConfigError(`${name} must be a whole number`);
    settings[key] = Number(text);
  }
  return settings;
}
