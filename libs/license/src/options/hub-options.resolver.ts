import { keyReferenceProblem } from './key-reference.util.js';
import type { LicenseHubOptions, ResolvedHubOptions } from '../interfaces/license-hub-options.interface.js';

/** 72 hours: how long a satellite trusts the hub's last answer while it cannot ask again. */
export const DEFAULT_HUB_MAX_STALE_SECONDS = 259_200;
/** The retry backoff never waits longer than this (so a satellite follows a returning hub within a minute). */
export const MAX_HUB_RETRY_SECONDS = 60;

/** The options that configure a local key; a hub replaces all of them. */
export const LOCAL_KEY_OPTIONS = [
  'licenseKey',
  'publicKey',
  'publicKeyPath',
  'audience',
  'issuer',
  'instance',
  'keyStore',
  'revocationListPath',
] as const;

/**
 * Checks `hub` and applies its defaults. `fail(path, message)` throws the module's configuration
 * error. `local` lists the local-key options that were set alongside (a configuration error).
 */
export function resolveHubOptions(
  hub: LicenseHubOptions,
  local: readonly string[],
  fail: (path: string, message: string) => never,
): ResolvedHubOptions {
  if (local.length > 0) {
    fail(
      'hub',
      `a satellite reads its license from the hub, so it has no local key: remove ${local.join(', ')} ` +
        '(hub and a local key are mutually exclusive)',
    );
  }
  if (typeof hub !== 'object' || hub === null) fail('hub', 'must be an object { url, token }');
  const url = hubUrl(hub.url, fail);
  if (hub.token !== undefined) {
    if (keyReferenceProblem(hub.token)) {
      // The value is never echoed: it may be the token itself.
      fail(
        'hub.token',
        'must reference an environment variable as ${NAME}, e.g. "${LIBERTY_HUB_TOKEN}" (a token must not be stored in configuration)',
      );
    }
  }
  const whole = (path: string, value: unknown, fallback: number, min: number, max: number): number => {
    const n = value ?? fallback;
    if (!Number.isInteger(n) || (n as number) < min || (n as number) > max) {
      fail(path, `must be a whole number from ${min} to ${max}`);
    }
    return n as number;
  };
  return Object.freeze({
    url,
    ...(hub.token !== undefined ? { token: hub.token } : {}),
    refreshSeconds: whole('hub.refreshSeconds', hub.refreshSeconds, 3600, 1, 604_800),
    maxStaleSeconds: whole('hub.maxStaleSeconds', hub.maxStaleSeconds, DEFAULT_HUB_MAX_STALE_SECONDS, 1, 31_536_000),
    retryMaxSeconds: whole('hub.retryMaxSeconds', hub.retryMaxSeconds, MAX_HUB_RETRY_SECONDS, 1, MAX_HUB_RETRY_SECONDS),
    timeoutMs: whole('hub.timeoutMs', hub.timeoutMs, 5000, 100, 120_000),
    startupWaitMs: whole('hub.startupWaitMs', hub.startupWaitMs, 5000, 0, 60_000),
  });
}

function hubUrl(value: unknown, fail: (path: string, message: string) => never): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return fail(
      'hub.url',
      'must be the http(s) URL of the hub\'s status endpoint, e.g. "https://hub.example.com/api/license/status"',
    );
  }
  if (url.username || url.password) {
    return fail(
      'hub.url',
      'must not carry a user name or password; put the credential in hub.token ("${LIBERTY_HUB_TOKEN}")',
    );
  }
  return url.href;
}

/** The URL as logs and the state show it: no query string or fragment (they might carry secrets). */
export function displayHubUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
