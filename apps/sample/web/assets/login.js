// The login page: sends the access token to POST /api/session (which sets an HttpOnly cookie),
// then returns to `next`. The token is never stored by this script.

import { safeNextPath } from './next-path.js';

const form = document.getElementById('login-form');
const input = document.getElementById('token');
const error = document.getElementById('login-error');
const button = document.getElementById('sign-in');

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
