/**
 * `LicenseModule.forRoot({ hub })`: a satellite reads its license from a hub's ai.doo status
 * endpoint instead of verifying a key of its own.
 */
export interface LicenseHubOptions {
  /**
   * The FULL URL of the hub's status endpoint, e.g. `https://hub.example.com/api/license/status`
   * (http or https; no user name or password in it — the credential is `token`).
   */
  url: string;
  /**
   * A REFERENCE to the environment variable holding the hub's bearer token, as `${NAME}`
   * (`NAME_FILE` works as for `licenseKey`). Read on every request, never logged. Omit it only
   * for a hub that needs no token.
   */
  token?: string;
  /** Seconds between two refreshes (1–604800). Default: 3600, ai.doo's one-hour cache. */
  refreshSeconds?: number;
  /**
   * How long the last good answer is trusted while the hub cannot be asked (network error, 5xx,
   * a garbled answer), counted from that answer (1–31536000 s). Past it the state is rejected
   * `hub unreachable`. Never past the answer's own `expires_at`. A 401/403 ends the trust at
   * once. Default: 259200 (72 h).
   */
  maxStaleSeconds?: number;
  /**
   * The cap of the retry backoff while the hub is unreachable, in seconds (1–60): each retry
   * waits a random time between 0 and min(cap, 1 s × 2^failures) ("full jitter", so satellites
   * do not retry in lockstep). Default: 60.
   */
  retryMaxSeconds?: number;
  /** Time allowed for one request, body included, in ms (100–120000). Default: 5000. */
  timeoutMs?: number;
  /**
   * How long startup waits for the first answer, in ms (0–60000). Past it the app starts
   * `not-configured` and the answer, when it comes, is applied. Default: 5000.
   */
  startupWaitMs?: number;
}

export interface ResolvedHubOptions {
  readonly url: string;
  /** The `${NAME}` reference, when a token is configured (resolving again gives the same options). */
  readonly token?: string;
  readonly refreshSeconds: number;
  readonly maxStaleSeconds: number;
  readonly retryMaxSeconds: number;
  readonly timeoutMs: number;
  readonly startupWaitMs: number;
}
