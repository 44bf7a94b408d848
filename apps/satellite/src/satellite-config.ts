/** A setting of the satellite that is missing or wrong: one clear line, exit code 1. */
export class SatelliteConfigError extends Error {
  override readonly name = 'SatelliteConfigError';
}

/** What the satellite reads from its environment. */
export interface SatelliteSettings {
  /** The hub's status endpoint: `LIBERTY_HUB_URL` + `/api/license/status`. */
  statusUrl: string;
  refreshSeconds?: number;
  timeoutMs?: number;
}

/**
 * `LIBERTY_HUB_URL` is the hub's BASE URL (`http://hub:3000`, or with a path prefix); the status
 * endpoint is `api/license/status` under it. `LIBERTY_HUB_REFRESH_SECONDS` and
 * `LIBERTY_HUB_TIMEOUT_MS` override the library's defaults (3600 s, 5000 ms). The token is not
 * read here: the library reads `LIBERTY_HUB_TOKEN` itself on every request.
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
  return {
    statusUrl,
    ...whole(env, 'LIBERTY_HUB_REFRESH_SECONDS', 'refreshSeconds'),
    ...whole(env, 'LIBERTY_HUB_TIMEOUT_MS', 'timeoutMs'),
  };
}

function whole(env: NodeJS.ProcessEnv, name: string, key: 'refreshSeconds' | 'timeoutMs'): Partial<SatelliteSettings> {
  const text = env[name]?.trim();
  if (!text) return {};
  if (!/^\d+$/.test(text)) throw new SatelliteConfigError(`${name} must be a whole number`);
  return { [key]: Number(text) };
}
