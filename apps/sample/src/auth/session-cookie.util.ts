import { SESSION_MAX_AGE_SECONDS } from './session.store.js';

/**
 * The HttpOnly cookie that carries the browser's session id (never the bearer token). Over HTTPS
 * it is `__Host-liberty_session`: the browser then takes it only from this exact origin with
 * `Secure; Path=/` and no `Domain`, so a page on another port or a sibling subdomain cannot toss in
 * a cookie of its own (session fixation, swapping). Over plain HTTP — the loopback default — the
 * prefix cannot be used (it needs `Secure`), so the name is plain: run behind HTTPS to get it.
 */
export const SESSION_COOKIE = 'liberty_session';
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** The cookie's name for a request: the `__Host-` one over HTTPS. */
export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** The session id of a request: over HTTPS only the `__Host-` cookie counts. */
export function readSessionId(request: {
  headers: Record<string, string | string[] | undefined>;
  secure?: boolean;
}): string | undefined {
  const cookie = request.headers.cookie;
  return (
    readCookie(typeof cookie === 'string' ? cookie : undefined, sessionCookieName(request.secure === true)) || undefined
  );
}

/** The value of cookie `name` in a `Cookie` header, or `undefined`. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== name) continue;
    let value = part.slice(at + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * `Secure` and the `__Host-` name when the request came over HTTPS (behind a proxy:
 * `LIBERTY_TRUST_PROXY`, so that Express reads `X-Forwarded-Proto`); over plain http a Secure
 * cookie would never be sent back.
 */
export function sessionCookie(sessionId: string, secure: boolean): string {
  return `${sessionCookieName(secure)}=${encodeURIComponent(sessionId)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MAX_AGE_SECONDS}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${sessionCookieName(secure)}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${secure ? '; Secure' : ''}`;
}
