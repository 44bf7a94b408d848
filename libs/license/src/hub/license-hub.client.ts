import { readLicenseKey, type EnvironmentReader } from '../key-stores/environment-key.store.js';
import { parseKeyReference } from '../options/key-reference.util.js';
import { printable } from '../verification/rejection-reasons.util.js';
import type { ResolvedHubOptions } from '../interfaces/license-hub-options.interface.js';
import { parseHubStatus, type HubStatus } from './hub-status.parser.js';

/** A status answer is a few hundred bytes; anything past this is refused, not buffered. */
export const MAX_HUB_BODY_BYTES = 64 * 1024;

/**
 * One request's outcome: the answer, or the warning that says what went wrong. `hubTime` is the
 * hub's clock (its `Date` header, ms) when the answer had one; `refused` marks a 401/403 (the hub
 * refused the token: the satellite stops trusting its last answer at once).
 */
export type HubFetchResult =
  | { ok: true; status: HubStatus; hubTime?: number }
  | { ok: false; warning: string; refused?: 401 | 403; hubTime?: number };

/** The warnings a failed request gives (one family per kind of failure). */
export const HubWarning = {
  unreachable: (why: string) => `license hub unreachable (${why})`,
  invalidStatus: (why: string) => `license hub answered an invalid status (${why})`,
  tokenUnavailable: (why: string) => `license hub token unavailable (${why})`,
} as const;

/**
 * Asks a hub's status endpoint once: Node's global `fetch`, a timeout over the whole exchange
 * (body included), a bounded body, redirects not followed (the token must not travel to another
 * place) and a strict check of the JSON types. The token is sent as `Authorization: Bearer` and
 * appears in no warning. Never throws.
 */
export class LicenseHubClient {
  constructor(
    private readonly options: ResolvedHubOptions,
    private readonly env: EnvironmentReader,
  ) {}

  async fetchStatus(): Promise<HubFetchResult> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token !== undefined) {
      const name = parseKeyReference(this.options.token);
      // The variable is read on every request, so a rotated token needs no restart.
      const read = await readLicenseKey(this.env, name);
      if (read.kind === 'unset')
        return { ok: false, warning: HubWarning.tokenUnavailable(read.why ?? `${name} is not set`) };
      if (read.kind === 'unreadable') return { ok: false, warning: HubWarning.tokenUnavailable(read.why) };
      // A header value fetch refuses would come back in an error message that quotes it whole.
      if (!BEARER_TOKEN.test(read.token)) {
        return {
          ok: false,
          warning: HubWarning.tokenUnavailable(`${name} holds characters not allowed in an HTTP header`),
        };
      }
      headers.authorization = `Bearer ${read.token}`;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      const response = await fetch(this.options.url, { headers, signal: controller.signal, redirect: 'manual' });
      const hubTime = dateHeader(response);
      const time = hubTime !== undefined ? { hubTime } : {};
      if (response.status < 200 || response.status > 299) {
        void response.body?.cancel().catch(() => undefined);
        const refused =
          response.status === 401
            ? { refused: 401 as const }
            : response.status === 403
              ? { refused: 403 as const }
              : {};
        return { ok: false, warning: HubWarning.unreachable(httpProblem(response.status)), ...refused, ...time };
      }
      const body = await readBounded(response);
      if (body === undefined) {
        return { ok: false, warning: HubWarning.invalidStatus(`body larger than ${MAX_HUB_BODY_BYTES} bytes`) };
      }
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return { ok: false, warning: HubWarning.invalidStatus('not JSON') };
      }
      const parsed = parseHubStatus(json);
      return parsed.ok ? { ...parsed, ...time } : { ok: false, warning: HubWarning.invalidStatus(parsed.why), ...time };
    } catch (error) {
      const why = controller.signal.aborted ? `no answer within ${this.options.timeoutMs} ms` : networkProblem(error);
      return { ok: false, warning: HubWarning.unreachable(why) };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The hub's clock from its `Date` header (RFC 9110 IMF-fixdate), in ms; `undefined` when absent or unreadable. */
function dateHeader(response: Response): number | undefined {
  const text = response.headers.get('date');
  if (!text || text.length > 64) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

function httpProblem(status: number): string {
  if (status === 401 || status === 403)
    return `HTTP ${status}; the hub refused the token: check that it is valid and may read the license status`;
  if (status >= 300 && status < 400) return `HTTP ${status}; redirects are not followed, configure the final URL`;
  return `HTTP ${status}`;
}

/** Visible ASCII only: what an HTTP header value may carry without escaping. */
const BEARER_TOKEN = /^[\x21-\x7e]+$/;

/**
 * `ECONNREFUSED`, `ENOTFOUND`, … from undici's `cause`, else the error's class name; never a
 * message, which may quote the request (and so the token).
 */
function networkProblem(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; name?: unknown } } | undefined)?.cause;
  const detail =
    typeof cause?.code === 'string'
      ? cause.code
      : (cause?.name ?? (error as Error | undefined)?.name ?? 'request failed');
  return printable(detail, 120);
}

/** The body as text, or `undefined` when it is larger than `MAX_HUB_BODY_BYTES`. */
async function readBounded(response: Response): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > MAX_HUB_BODY_BYTES) {
    void response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_HUB_BODY_BYTES) {
      void reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
