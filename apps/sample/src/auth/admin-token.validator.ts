/**
 * The shortest `LIBERTY_ADMIN_TOKEN` accepted: 24 characters. `openssl rand -hex 24` gives 48.
 * A short or guessable admin token (`a`, `change-me`) is the whole app's password, so the app
 * refuses to start with one instead of running with it.
 */
export const MIN_ADMIN_TOKEN_LENGTH = 24;
/**
 * The fewest different characters an admin token may have: 8. Length alone let `aaaa…a` (24 × `a`)
 * or `abcabc…` through; a random hex token of 24 characters has about 14 different ones.
 */
export const MIN_ADMIN_TOKEN_DISTINCT = 8;

/** A startup configuration problem, printed as one line by `main.ts` (no stack trace). */
export class AdminTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminTokenError';
  }
}

/** Throws `AdminTokenError` when a configured admin token is too short, too repetitive or has blanks inside. */
export function checkAdminToken(token: string): void {
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new AdminTokenError(
      `LIBERTY_ADMIN_TOKEN is too short (${token.length} character${token.length === 1 ? '' : 's'}; at least ${MIN_ADMIN_TOKEN_LENGTH} required): ` +
        'it is the admin password. Generate one with: openssl rand -hex 24',
    );
  }
  const distinct = new Set(token).size;
  if (distinct < MIN_ADMIN_TOKEN_DISTINCT) {
    throw new AdminTokenError(
      `LIBERTY_ADMIN_TOKEN is too predictable (${distinct} different character${distinct === 1 ? '' : 's'}; at least ${MIN_ADMIN_TOKEN_DISTINCT} required): ` +
        'it is the admin password. Generate one with: openssl rand -hex 24',
    );
  }
  if (/\s/.test(token)) {
    throw new AdminTokenError('LIBERTY_ADMIN_TOKEN contains whitespace; generate one with: openssl rand -hex 24');
  }
}
