// The one polling helper of the tests: for a change the code under test makes by itself (a file
// watch, a timer, another process, a message over Redis). Bounds are generous: the machine running
// the suites is shared and loaded; a probe that holds returns at once, so a long bound costs a
// passing test nothing.

export interface UntilOptions {
  /** Fails after this long (default 20 s). */
  timeoutMs?: number;
  /** Between two probes (default 50 ms). */
  intervalMs?: number;
  /**
   * A probe that throws counts as "not yet" (a server still starting or down on purpose); the last
   * error is named in the timeout message. Default: an error fails at once.
   */
  ignoreErrors?: boolean;
}

// Real time even under Jest's fake timers (see fake-clock.ts): captured before any test fakes them.
const realSetTimeout = globalThis.setTimeout;

type Falsy = false | 0 | '' | null | undefined;

/**
 * Probes until `probe` returns something truthy, and returns that value (so a test can wait for
 * a response and use it). Throws `timed out waiting for <what>` after `timeoutMs`.
 */
export async function until<T>(
  what: string,
  probe: () => T | Falsy | Promise<T | Falsy>,
  options: UntilOptions = {},
): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 50, ignoreErrors = false } = options;
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      if (!ignoreErrors) throw error;
      lastError = error;
    }
    if (performance.now() > deadline) {
      const cause = lastError === undefined ? '' : ` (last error: ${(lastError as Error)?.message ?? lastError})`;
      throw new Error(`timed out waiting for ${what} after ${timeoutMs} ms${cause}`);
    }
    await new Promise((resolve) => realSetTimeout(resolve, intervalMs));
  }
}
