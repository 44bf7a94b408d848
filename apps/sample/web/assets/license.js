// The License page: reads /api/me and /api/license, renders them, and re-verifies on demand.
// Claims are untrusted text: everything goes through textContent, never innerHTML.

const $ = (id) => document.getElementById(id);

class SignedOut extends Error {}

/** fetch() with the session cookie; 401 sends the user to the login page and back. */
async function api(path, init = {}) {
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

async function errorText(response) {
  try {
    const body = await response.json();
    if (body?.code === 'PERMISSION_REQUIRED' && body.permission) return `you need the ${body.permission} permission`;
    if (typeof body?.message === 'string') return body.message;
  } catch {
    // not JSON
  }
  return `HTTP ${response.status}`;
}

function text(id, value) {
  $(id).textContent = value === null || value === undefined || value === '' ? '—' : String(value);
}

const number = (n) => n.toLocaleString('en-US');
const plural = (n, one, many = `${one}s`) => `${number(n)} ${n === 1 ? one : many}`;
const utcDate = (iso) => iso.slice(0, 10);

function bannerText(view) {
  if (view.status === 'accepted' && view.graceEndsAt) {
    return `License expired on ${utcDate(view.expiresAt)} — grace period until ${utcDate(view.graceEndsAt)}; renew the license`;
  }
  if (view.status === 'accepted') return null;
  if (view.enforcement === 'soft') return 'Unlicensed — running with soft enforcement';
  return `Restricted mode — licensed features are disabled: ${view.label}`;
}

function renderBanner(view) {
  const banner = $('license-banner');
  const message = bannerText(view);
  banner.hidden = message === null;
  banner.dataset.mode = view.graceEndsAt ? 'grace' : view.enforcement;
  $('license-banner-text').textContent = message ?? '';
}

function expiryChip(view) {
  if (!view.expiresAt) return { level: 'none', text: 'No expiry date' };
  const date = utcDate(view.expiresAt);
  const days = view.expiresInDays;
  // Inside the grace period the key still works; the chip is red and says until when.
  if (view.graceEndsAt) return { level: 'expired', text: `expired — grace until ${utcDate(view.graceEndsAt)}` };
  if (view.expiryLevel === 'expired') return { level: 'expired', text: `Expired ${date}` };
  const left = days <= 0 ? 'expires today' : `${plural(days, 'day')} left`;
  return { level: view.expiryLevel ?? 'ok', text: `${date} · ${left}` };
}

function renderEntitlements(listId, emptyId, items) {
  const list = $(listId);
  list.replaceChildren(
    ...items.map(({ id, defined }) => {
      const item = document.createElement('li');
      item.dataset.id = id;
      item.dataset.defined = String(defined);
      const dot = document.createElement('span');
      dot.className = defined ? 'dot' : 'dot dot--missing';
      dot.setAttribute('aria-hidden', 'true');
      const name = document.createElement('code');
      name.textContent = id;
      item.append(dot, name);
      if (!defined) {
        const note = document.createElement('span');
        note.className = 'entitlements__note';
        note.textContent = 'not defined in this install';
        item.append(note);
      }
      return item;
    }),
  );
  list.hidden = items.length === 0;
  $(emptyId).hidden = items.length > 0;
}

function renderUsers(users) {
  const bar = $('users-bar');
  if (users.max === null) {
    bar.hidden = true;
    $('users-text').textContent =
      users.count === null ? 'No user cap in this license' : `${plural(users.count, 'user')} · no cap in this license`;
    return;
  }
  const count = users.count ?? 0;
  const percent = users.percent ?? 0;
  bar.hidden = false;
  bar.dataset.level = users.level ?? 'ok';
  bar.setAttribute('aria-valuemax', String(users.max));
  bar.setAttribute('aria-valuenow', String(Math.min(count, users.max)));
  bar.setAttribute('aria-valuetext', `${count} of ${users.max} users (${percent} %)`);
  $('users-fill').style.width = `${Math.min(percent, 100)}%`;
  $('users-text').textContent = `${number(count)} of ${plural(users.max, 'user')} · ${percent} %`;
}

function renderAi(ai) {
  const list = $('ai-providers');
  list.replaceChildren(
    ...ai.providers.map((provider) => {
      const item = document.createElement('li');
      item.textContent = provider;
      return item;
    }),
  );
  list.hidden = ai.providers.length === 0;
  $('ai-providers-empty').hidden = ai.providers.length > 0;
  const used = ai.usedToday ?? 0;
  $('ai-usage').textContent =
    ai.messagesPerDay === null ? `${number(used)} · no daily cap` : `${number(used)} / ${number(ai.messagesPerDay)}`;
}

function render(view) {
  renderBanner(view);
  const status = $('status-label').parentElement;
  status.dataset.status = view.status;
  $('status-label').textContent = view.label;
  text('customer', view.customer);
  text('edition', view.edition);
  text('instance', view.instance);
  const chip = expiryChip(view);
  const chipElement = $('expiry-chip');
  chipElement.className = `chip chip--${chip.level}`;
  chipElement.dataset.level = chip.level;
  chipElement.textContent = chip.text;
  text('enforcement', view.enforcement === 'soft' ? 'Soft (banner only)' : 'Restricted');
  const verified = $('verified-at');
  verified.dateTime = view.verifiedAt;
  verified.textContent = new Date(view.verifiedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const warnings = $('warnings');
  warnings.replaceChildren(
    ...view.warnings.map((warning) => {
      const item = document.createElement('li');
      item.textContent = warning;
      return item;
    }),
  );
  warnings.hidden = view.warnings.length === 0;
  renderEntitlements('connectors', 'connectors-empty', view.connectors);
  renderEntitlements('apps', 'apps-empty', view.apps);
  renderUsers(view.users);
  renderAi(view.ai);
  $('license').setAttribute('aria-busy', 'false');
}

function announce(message) {
  const announcer = $('announcer');
  // Clear first so the same message twice is announced twice.
  announcer.textContent = '';
  window.setTimeout(() => {
    announcer.textContent = message;
  }, 50);
}

async function reverify() {
  const button = $('reverify');
  // aria-disabled, not disabled: a disabled button would drop the keyboard focus.
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  button.setAttribute('aria-busy', 'true');
  button.textContent = 'Re-verifying…';
  announce('Re-verifying the license key…');
  try {
    const response = await api('/api/license/reverify', { method: 'POST' });
    if (!response.ok) {
      announce(`Re-verify failed: ${await errorText(response)}.`);
      return;
    }
    const view = await response.json();
    render(view);
    const who = view.customer ? ` — ${view.customer}` : '';
    announce(`Re-verified: ${view.label}${view.status === 'accepted' ? who : ''}.`);
  } catch (error) {
    if (!(error instanceof SignedOut)) announce('Re-verify failed: the server did not answer.');
  } finally {
    button.removeAttribute('aria-disabled');
    button.removeAttribute('aria-busy');
    button.textContent = 'Re-verify';
  }
}

async function signOut() {
  try {
    await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin' });
  } finally {
    location.assign('/login?next=/settings/license');
  }
}

function showLoadError(message) {
  const error = $('load-error');
  error.textContent = message;
  error.hidden = false;
}

async function load() {
  $('sign-out').addEventListener('click', signOut);
  $('reverify').addEventListener('click', reverify);
  try {
    const [meResponse, licenseResponse] = await Promise.all([api('/api/me'), api('/api/license')]);
    if (meResponse.ok) {
      const me = await meResponse.json();
      $('user-name').textContent = me.name;
      $('reverify').hidden = !me.permissions.includes('license:write');
    }
    if (!licenseResponse.ok) {
      showLoadError(`The license status could not be loaded: ${await errorText(licenseResponse)}.`);
      return;
    }
    render(await licenseResponse.json());
    document.body.dataset.ready = 'true';
  } catch (error) {
    if (!(error instanceof SignedOut)) showLoadError('The license status could not be loaded: the server did not answer.');
  }
}

load();
