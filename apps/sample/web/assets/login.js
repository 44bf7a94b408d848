// The login page: sends the access token to POST /api/session (which sets an HttpOnly cookie),
// then returns to `next`. The token is never stored by this script.

const form = document.getElementById('login-form');
const input = document.getElementById('token');
const error = document.getElementById('login-error');
const button = document.getElementById('sign-in');

// Control characters (browsers drop tab, LF, CR from URLs: `/\t/host` becomes `//host`), and
// backslashes (read as `/`).
const UNSAFE = /[\u0000-\u001f\u007f\\]/;

/**
 * Where to go after signing in: `next` only when it is a path on this origin, else `/`.
 * Refused: anything not starting with one `/`, `//host`, `/\host`, control characters — in the
 * value and once more after percent-decoding it (`/%2F/host`, `/%09/host`) — and anything that,
 * parsed with URL against this page, lands on another origin.
 */
export function safeNextPath(next, origin) {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || UNSAFE.test(next)) return '/';
  let decoded;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return '/';
  }
  if (decoded.startsWith('//') || UNSAFE.test(decoded)) return '/';
  let url;
  try {
    url = new URL(next, origin);
  } catch {
    return '/';
  }
  return url.origin === origin ? `${url.pathname}${url.search}${url.hash}` : '/';
}

function nextPath() {
  return safeNextPath(new URLSearchParams(location.search).get('next') ?? '', location.origin);
}

function fail(message) {
  error.textContent = message;
  input.setAttribute('aria-invalid', 'true');
  input.focus();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = input.value.trim();
  if (token === '') {
    fail('Enter your access token.');
    return;
  }
  button.disabled = true;
  error.textContent = '';
  try {
    const response = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ token }),
    });
    if (response.ok) {
      input.value = '';
      location.assign(nextPath());
      return;
    }
    fail(response.status === 401 ? 'This token is not valid.' : `Sign-in failed (HTTP ${response.status}).`);
  } catch {
    fail('The server did not answer. Try again.');
  } finally {
    button.disabled = false;
  }
});

input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
input.focus();
