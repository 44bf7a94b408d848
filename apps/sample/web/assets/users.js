// Users: the seat bar (GET /api/users/seats), the list with Disable / Enable, and the create form.
// A seat-consuming action beyond the cap answers 402 SEAT_LIMIT_REACHED: its message is shown.

import {
  $,
  announce,
  api,
  errorText,
  number,
  plural,
  sendJson,
  showLoadError,
  SignedOut,
  startShell,
} from './shell.js';

const ADMIN_ID = 'admin';

function renderSeats(seats) {
  const bar = $('seats-bar');
  if (seats.max === null) {
    bar.hidden = true;
    $('seats-text').textContent = `${plural(seats.count, 'enabled user')} · no user cap in the license`;
    return;
  }
  bar.hidden = false;
  // The server decides the colour (grey while the license is not accepted, red above the cap).
  bar.dataset.level = seats.meter ?? seats.level ?? 'ok';
  bar.setAttribute('aria-valuemax', String(seats.max));
  bar.setAttribute('aria-valuenow', String(Math.min(seats.count, seats.max)));
  bar.setAttribute('aria-valuetext', `${seats.count} of ${seats.max} seats (${seats.percent} %)`);
  $('seats-fill').style.width = `${Math.min(seats.percent, 100)}%`;
  const state = seats.count > seats.max ? ' — over the cap' : seats.count === seats.max ? ' — cap reached' : '';
  $('seats-text').textContent =
    `${number(seats.count)} of ${plural(seats.max, 'seat')} used · ${seats.percent} %${state}`;
}

function userRow(user) {
  const tr = document.createElement('tr');
  tr.dataset.id = user.id;
  tr.dataset.enabled = String(user.enabled);
  const name = document.createElement('th');
  name.scope = 'row';
  name.textContent = user.name;
  const permissions = document.createElement('td');
  permissions.append(
    ...user.permissions.flatMap((p, i) => [
      ...(i ? [' '] : []),
      Object.assign(document.createElement('code'), { textContent: p }),
    ]),
  );
  if (user.permissions.length === 0) permissions.textContent = '—';
  const status = document.createElement('td');
  const state = document.createElement('span');
  state.className = `state state--${user.enabled ? 'active' : 'disabled'}`;
  state.textContent = user.enabled ? 'Enabled' : 'Disabled';
  status.append(state);
  const actions = document.createElement('td');
  if (user.id === ADMIN_ID) {
    actions.className = 'muted small';
    actions.textContent = 'Built-in';
  } else {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button button--ghost button--small';
    button.textContent = user.enabled ? 'Disable' : 'Enable';
    button.setAttribute('aria-label', `${user.enabled ? 'Disable' : 'Enable'} ${user.name}`);
    button.addEventListener('click', () => setEnabled(user, !user.enabled, button));
    actions.append(button);
  }
  tr.append(name, permissions, status, actions);
  return tr;
}

async function refresh() {
  const [usersResponse, seatsResponse] = await Promise.all([api('/api/users'), api('/api/users/seats')]);
  if (!usersResponse.ok || !seatsResponse.ok) {
    showLoadError(
      `The users could not be loaded: ${await errorText(usersResponse.ok ? seatsResponse : usersResponse)}`,
    );
    return false;
  }
  $('users').replaceChildren(...(await usersResponse.json()).map(userRow));
  renderSeats(await seatsResponse.json());
  return true;
}

function showAlert(id, message) {
  const box = $(id);
  box.textContent = message;
  box.hidden = message === '';
}

async function setEnabled(user, enabled, button) {
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  showAlert('users-error', '');
  try {
    const response = await sendJson('PATCH', `/api/users/${encodeURIComponent(user.id)}`, { enabled });
    if (!response.ok) {
      // 402 SEAT_LIMIT_REACHED: "Seat limit reached — the license allows …".
      showAlert('users-error', `${user.name} was not enabled: ${await errorText(response)}`);
      return;
    }
    await refresh();
    // The row was rebuilt: put the keyboard back on this user's button.
    $('users')
      .querySelector(`tr[data-id="${CSS.escape(user.id)}"] button`)
      ?.focus();
    announce($('announcer'), `${user.name} ${enabled ? 'enabled' : 'disabled'}.`);
  } catch (error) {
    if (!(error instanceof SignedOut)) showAlert('users-error', 'The server did not answer.');
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

async function create(event) {
  event.preventDefault();
  const form = $('create-form');
  const button = $('create');
  if (button.getAttribute('aria-disabled') === 'true') return;
  const name = $('new-name').value.trim();
  showAlert('create-error', '');
  $('new-name-error').textContent = '';
  $('new-name').removeAttribute('aria-invalid');
  $('token-box').hidden = true;
  $('new-token').value = '';
  if (name === '') {
    $('new-name-error').textContent = 'Enter a name.';
    $('new-name').setAttribute('aria-invalid', 'true');
    $('new-name').focus();
    return;
  }
  const permissions = [...form.querySelectorAll('input[name="permissions"]:checked')].map((input) => input.value);
  button.setAttribute('aria-disabled', 'true');
  try {
    const response = await sendJson('POST', '/api/users', { name, permissions, enabled: $('new-enabled').checked });
    if (!response.ok) {
      // 402 SEAT_LIMIT_REACHED, or a validation error: shown in the form, nothing created.
      showAlert('create-error', `The user was not created: ${await errorText(response)}`);
      $('create-error').focus();
      return;
    }
    const created = await response.json();
    $('created-text').textContent = `${created.name} was created. Copy their access token now: it is not shown again.`;
    $('new-token').value = created.token;
    $('token-box').hidden = false;
    $('new-name').value = '';
    await refresh();
    $('new-token').focus();
    $('new-token').select();
  } catch (error) {
    if (!(error instanceof SignedOut))
      showAlert('create-error', 'The user was not created: the server did not answer.');
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

/** One checkbox per permission the app knows (`GET /api/permissions`). */
function renderPermissions(permissions) {
  $('permissions').replaceChildren(
    ...permissions.map((permission) => {
      const label = document.createElement('label');
      label.className = 'choice';
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.name = 'permissions';
      input.value = permission;
      const code = document.createElement('code');
      code.textContent = permission;
      label.append(input, code);
      return label;
    }),
  );
}

async function load() {
  $('create-form').addEventListener('submit', create);
  try {
    const [, permissions] = await Promise.all([startShell(), api('/api/permissions')]);
    if (!permissions.ok) {
      showLoadError(`The users could not be loaded: ${await errorText(permissions)}`);
      return;
    }
    renderPermissions(await permissions.json());
    if (!(await refresh())) return;
    $('users-page').setAttribute('aria-busy', 'false');
    document.body.dataset.ready = 'true';
  } catch (error) {
    if (!(error instanceof SignedOut)) showLoadError('The users could not be loaded: the server did not answer.');
  }
}

load();
