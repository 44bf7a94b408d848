// Where the login page goes after signing in (`?next=`). Kept apart from login.js so Node tests
// can import it (login.js touches the DOM as it loads).

// A plain same-app path: `/` then RFC 3986 path/query/fragment characters only. No control
// characters, blanks, backslashes (read as `/`) or anything outside ASCII.
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?#]*$/;
// A `.` or `..` segment, spelled plainly or percent-encoded (`%2e`, `.%2E`, …).
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

/**
 * `next` when it is a plain path of this app, else `/`. The raw input is checked, never a
 * normalised form: URL parsing turns `/.//host`, `/..//host`, `/%2e//host` or `/a/..//host` into
 * `//host`, another origin. Refused: anything not starting with one `/`; any character outside
 * {@link PLAIN_PATH}; `//` anywhere; dot segments; and the same once more after percent-decoding
 * (`/%2F%2Fhost`, `/%5Chost`, `/%09/host`). Last, `new URL(next, origin)` must stay on `origin`.
 * The value followed is the input itself, unchanged.
 */
export function safeNextPath(next, origin) {
  if (!isPlainPath(next)) return '/';
  let decoded;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return '/';
  }
  if (!isPlainPath(decoded)) return '/';
  let url;
  try {
    url = new URL(next, origin);
  } catch {
    return '/';
  }
  return url.origin === origin && !url.pathname.startsWith('//') ? next : '/';
}

function isPlainPath(value) {
  if (typeof value !== 'string' || value.length > 2048 || !PLAIN_PATH.test(value)) return false;
  return !value.includes('//') && !DOT_SEGMENT.test(value.split(/[?#]/, 1)[0]);
}
