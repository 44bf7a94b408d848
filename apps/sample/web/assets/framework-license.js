// Settings → Framework → License: the [license] section of app.toml (key reference, public key
// path, enforcement). PUT validates, writes the file and re-verifies; errors show by their field.

import {
  $,
  announce,
  api,
  errorMessages,
  errorText,
  refreshBanner,
  sendJson,
  showLoadError,
  SignedOut,
  startShell,
} from './shell.js';

const FIELDS = ['license_key', 'public_key_path', 'enforcement'];
const form = $('settings-form');
/** The settings as last loaded or saved. */
let saved = null;

function fill(settings) {
  saved = settings;
  $('license_key').value = settings.license_key;
  $('public_key_path').value = settings.public_key_path;
  for (const radio of form.elements.enforcement) radio.checked = radio.value === settings.enforcement;
}

function values() {
  return {
    license_key: $('license_key').value.trim(),
    public_key_path: $('public_key_path').value.trim(),
    enforcement: form.elements.enforcement.value,
  };
}

function clearErrors() {
  for (const field of FIELDS) $(`${field}-error`).textContent = '';
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  $('form-errors').hidden = true;
  $('form-errors').replaceChildren();
}

/** The field a validation message is about: they start with its name ("license_key must …"). */
function fieldOf(message) {
  return FIELDS.find((field) => message.startsWith(`${field} `) || message.startsWith(`${field}:`));
}

function showErrors(messages) {
  const general = [];
  let first = null;
  for (const message of messages) {
    const field = fieldOf(message);
    if (!field) {
      general.push(message);
      continue;
    }
    const error = $(`${field}-error`);
    error.textContent = error.textContent ? `${error.textContent} ${message}` : message;
    const input = field === 'enforcement' ? $('enforcement-restricted') : $(field);
    if (field === 'enforcement')
      for (const radio of form.elements.enforcement) radio.setAttribute('aria-invalid', 'true');
    else input.setAttribute('aria-invalid', 'true');
    first ??= input;
  }
  if (general.length > 0) {
    const box = $('form-errors');
    const list = document.createElement('ul');
    list.append(...general.map((message) => Object.assign(document.createElement('li'), { textContent: message })));
    box.replaceChildren(
      Object.assign(document.createElement('strong'), { textContent: 'The settings were not saved.' }),
      list,
    );
    box.hidden = false;
    box.focus();
  } else {
    first?.focus();
  }
}

async function save(event) {
  event.preventDefault();
  const button = $('save');
  // aria-disabled, not disabled: a disabled button would drop the keyboard focus.
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  clearErrors();
  announce($('announcer'), 'Saving…');
  try {
    const response = await sendJson('PUT', '/api/settings/framework/license', values());
    if (response.ok) {
      fill(await response.json());
      await refreshBanner();
      announce($('announcer'), 'Saved. The license was re-verified with these settings.');
      return;
    }
    const messages = response.status === 400 ? await errorMessages(response) : [await errorText(response)];
    // A pasted license key is refused, and not left on screen either: back to the saved reference.
    const pastedKey =
      messages.some((m) => fieldOf(m) === 'license_key') && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(values().license_key);
    if (pastedKey) $('license_key').value = saved?.license_key ?? '';
    showErrors(messages);
    if (pastedKey) $('license_key-error').append(' The field was reset to the saved reference.');
    announce($('announcer'), 'Not saved: see the errors above.');
  } catch (error) {
    if (!(error instanceof SignedOut)) announce($('announcer'), 'Not saved: the server did not answer.');
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

async function load() {
  form.addEventListener('submit', save);
  try {
    const [me, response] = await Promise.all([startShell(), api('/api/settings/framework/license')]);
    if (!response.ok) {
      showLoadError(`The settings could not be loaded: ${await errorText(response)}`);
      return;
    }
    fill(await response.json());
    // The server refuses a path change without license:write; say so before the user tries.
    const mayChangePath = me.permissions.includes('license:write');
    $('public_key_path').readOnly = !mayChangePath;
    $('public_key_path-lock').hidden = mayChangePath;
    form.setAttribute('aria-busy', 'false');
    document.body.dataset.ready = 'true';
  } catch (error) {
    if (!(error instanceof SignedOut)) showLoadError('The settings could not be loaded: the server did not answer.');
  }
}

load();
