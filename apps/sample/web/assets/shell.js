// What every page shares: the JSON API helpers, the header (menu, user, sign out) and the license
// banner. Text from the server always goes through textContent, never innerHTML.

export const $ = (id) => document.getElementById(id);

export class SignedOut extends Error {}

/** fetch() with the session cookie; 401 sends the user to the login page and back. */
export async function api(path, init = {}) {
  const response = await fetch(path, {
    ...init,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...init.headers },
  });
  if (response.status === 401) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
    throw new SignedOut();
  }
  return response;
}

/** A state-changing call: always a JSON body (the server refuses other content types cross-site). */
export function sendJson(method, path, body) {
  return api(path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}) });
}

/** The messages of an error response: validation errors are a list, others one message. */
export async function errorMessages(response) {
  try {
    const body = await response.json();
    if (body?.code === 'PERMISSION_REQUIRED' && body.permission) return [`You need the ${body.permission} permission.`];
    if (Array.isArray(body?.message)) return body.message.map(String);
    if (typeof body?.message === 'string') return [body.message];
  } catch {
    // not JSON
  }
  return [`The server answered HTTP ${response.status}.`];
}

/** The error messages as sentences, for a status line: "Seat limit reached — …." */
export async function errorText(response) {
  return (await errorMessages(response)).map((m) => (/[.!?]$/.test(m) ? m : `${m}.`)).join(' ');
}

/** Says `message` in a polite live region (cleared first, so a repeat is announced again). */
export function announce(element, message) {
  element.textContent = '';
  window.setTimeout(() => {
    element.textContent = message;
  }, 50);
}

export function showLoadError(message) {
  const error = $('load-error');
  if (!error) return;
  error.textContent = message;
  error.hidden = false;
}

/** Re-reads `GET /api/license/banner` into the header (after anything that may change the license). */
export async function refreshBanner() {
  const response = await api('/api/license/banner');
  if (!response.ok) return;
  const banner = await response.json();
  currentBanner = banner;
  const element = $('license-banner');
  element.hidden = !banner.shown;
  element.dataset.mode = banner.mode;
  element.dataset.tone = banner.tone;
  element.dataset.status = banner.status;
  element.querySelector('.banner__icon').textContent = banner.tone === 'info' ? 'i' : '!';
  $('license-banner-text').textContent = banner.text;
  // Users who get a notice can act on it (the server sends notices to license:read holders): a way
  // to the License page, except on it.
  $('license-banner-link').hidden = !banner.shown || location.pathname === '/settings/license' || !canReadLicense;
  return banner;
}

let canReadLicense = false;

/** The last banner read (`{shown, mode, tone, status, text}`): pages may adapt to the license status. */
export let currentBanner = null;

function renderMenu(menus) {
  const nav = $('app-nav');
  // The framework's own entries; packaged apps' menus are listed on the home page.
  const entries = menus.filter((menu) => !menu.app);
  nav.replaceChildren(
    ...entries.map((menu) => {
      const link = document.createElement('a');
      link.href = menu.path;
      link.textContent = menu.label;
      link.dataset.menu = menu.id;
      if (menu.path === location.pathname) link.setAttribute('aria-current', 'page');
      return link;
    }),
  );
}

async function signOut() {
  await leave('/api/session');
}

/** Ends every session of this user, in every browser (a lost laptop), then this one's. */
async function signOutEverywhere() {
  await leave('/api/sessions');
}

async function leave(path) {
  try {
    await fetch(path, { method: 'DELETE', credentials: 'same-origin' });
  } finally {
    location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
  }
}

/**
 * Fills the header: the user's name, the menu they may see, the banner. Resolves to the user
 * (`{id, name, permissions}`); rejects with `SignedOut` when the session has ended.
 */
export async function startShell() {
  $('sign-out').addEventListener('click', signOut);
  $('sign-out-everywhere').addEventListener('click', signOutEverywhere);
  const [meResponse, menusResponse] = await Promise.all([api('/api/me'), api('/api/menus'), refreshBanner()]);
  const me = meResponse.ok ? await meResponse.json() : { id: '', name: '', permissions: [] };
  canReadLicense = me.permissions.includes('license:read');
  $('license-banner-link').hidden =
    $('license-banner').hidden || location.pathname === '/settings/license' || !canReadLicense;
  $('user-name').textContent = me.name;
  if (menusResponse.ok) renderMenu(await menusResponse.json());
  return me;
}

export const number = (n) => n.toLocaleString('en-US');
export const plural = (n, one, many = `${one}s`) => `${number(n)} ${n === 1 ? one : many}`;
