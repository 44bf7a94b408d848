/** What a command may touch of the outside world (the bin passes the real process). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** All of standard input, at most `limit` characters. */
  readStdin(limit: number): Promise<string>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The real process: stdout, stderr, stdin and environment. */
export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readStdin: async (limit) => {
      let text = '';
      process.stdin.setEncoding('utf8');
      for await (const chunk of process.stdin) {
        text += chunk as string;
        if (text.length > limit) {
          process.stdin.destroy();
          break;
        }
      }
      return text.slice(0, limit + 1);
    },
    env: process.env,
  };
}

/** Exit codes: 0 done / accepted, 1 rejected or malformed, 2 usage error. */
export const ExitCode = { ok: 0, rejected: 1, usage: 2 } as const;

const INVISIBLE = /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * JSON for a terminal: `JSON.stringify` escapes quotes and C0 controls; this also writes C1
 * controls, bidirectional overrides and zero-width characters as `\uXXXX` (still valid JSON), so
 * an untrusted claim cannot disguise itself on screen.
 */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    INVISIBLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A claim value in double quotes, safe for a terminal (see `safeJson`). */
export function quoted(value: string): string {
  return safeJson(value);
}

/** `[a, b, c]` for a list of ids (ids are validated: letters, digits, `.`, `_`, `-`). */
export function idList(ids: readonly string[] | undefined): string {
  return `[${(ids ?? []).join(', ')}]`;
}

const DAY_MS = 86_400_000;

/**
 * `in 30 days` / `2 days ago`. Days ahead are rounded up (a key with 29 days and 2 hours left is
 * "in 30 days", as on the License tab's expiry chip); days past are whole days elapsed.
 */
export function relativeDays(at: Date, now: Date): string {
  const ms = at.getTime() - now.getTime();
  const days = ms > 0 ? Math.ceil(ms / DAY_MS) : Math.floor(-ms / DAY_MS);
  if (ms <= 0 && days === 0) return 'less than a day ago';
  const unit = `${days} day${days === 1 ? '' : 's'}`;
  return ms > 0 ? `in ${unit}` : `${unit} ago`;
}
