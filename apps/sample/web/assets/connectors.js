// Settings → Connectors: every definition with its Licensed toggle (PATCH {licensed}) and its
// state; a locked one is greyed with the server's text, "Locked — requires license <id>".

import { $, announce, api, errorText, refreshBanner, sendJson, showLoadError, SignedOut, startShell } from './shell.js';

function row(connector) {
  const tr = document.createElement('tr');
  tr.dataset.id = connector.id;
  tr.dataset.state = connector.state;
  tr.className = connector.state === 'locked' ? 'is-locked' : '';

  const name = document.createElement('th');
  name.scope = 'row';
  const label = document.createElement('span');
  label.className = 'connector-name';
  const strong = document.createElement('strong');
  strong.textContent = connector.name;
  const code = document.createElement('code');
  code.textContent = connector.id;
  label.append(strong, ' ', code);
  name.append(label);

  const toggleCell = document.createElement('td');
  const switchLabel = document.createElement('label');
  switchLabel.className = 'switch';
  const input = document.createElement('input');
  input.type = 'checkbox';
  input.setAttribute('role', 'switch');
  input.checked = connector.licensed;
  input.id = `licensed-${connector.id}`;
  input.setAttribute('aria-label', `Licensed: ${connector.name}`);
  input.addEventListener('change', () => toggle(connector, input));
  const text = document.createElement('span');
  text.textContent = connector.licensed ? 'Yes' : 'No';
  text.setAttribute('aria-hidden', 'true');
  switchLabel.append(input, text);
  toggleCell.append(switchLabel);

  const stateCell = document.createElement('td');
  const state = document.createElement('span');
  state.className = `state state--${connector.state}`;
  state.textContent = connector.state === 'locked' ? connector.lockedReason : 'Active';
  stateCell.append(state);

  tr.append(name, toggleCell, stateCell);
  return tr;
}

function render(connectors) {
  $('connectors').replaceChildren(...connectors.map(row));
  $('connectors-table').setAttribute('aria-busy', 'false');
}

async function toggle(connector, input) {
  const licensed = input.checked;
  input.setAttribute('aria-busy', 'true');
  try {
    const response = await sendJson('PATCH', `/api/settings/connectors/${encodeURIComponent(connector.id)}`, {
      licensed,
    });
    if (!response.ok) {
      input.checked = !licensed;
      announce($('announcer'), `${connector.name} was not changed: ${await errorText(response)}`);
      return;
    }
    const updated = await response.json();
    const fresh = row(updated);
    $('connectors')
      .querySelector(`tr[data-id="${CSS.escape(connector.id)}"]`)
      .replaceWith(fresh);
    // Keep the keyboard where it was: on this connector's toggle.
    fresh.querySelector('input').focus();
    const state = updated.state === 'locked' ? updated.lockedReason : 'active';
    announce($('announcer'), `${updated.name}: ${updated.licensed ? 'licensed' : 'not licensed'} — ${state}.`);
    await refreshBanner();
  } catch (error) {
    input.checked = !licensed;
    if (!(error instanceof SignedOut))
      announce($('announcer'), `${connector.name} was not changed: the server did not answer.`);
  } finally {
    input.removeAttribute('aria-busy');
  }
}

async function load() {
  try {
    const [, response] = await Promise.all([startShell(), api('/api/settings/connectors')]);
    if (!response.ok) {
      showLoadError(`The connectors could not be loaded: ${await errorText(response)}`);
      return;
    }
    render(await response.json());
    document.body.dataset.ready = 'true';
  } catch (error) {
    if (!(error instanceof SignedOut)) showLoadError('The connectors could not be loaded: the server did not answer.');
  }
}

load();
