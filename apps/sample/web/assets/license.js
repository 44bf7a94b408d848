// The License page: reads /api/license, renders it, and re-verifies on demand. The header (menu,
// user, banner) is shell.js's. Claims are untrusted text: everything goes through textContent.

import {
  $,
  api,
  errorText,
  number,
  plural,
  refreshBanner,
  sendJson,
  showLoadError,
  SignedOut,
  startShell,
} from './shell.js';

/** A fact's value; a fact without one is left out (no rows of dashes for a missing key). */
function text(id, value) {
  const empty = value === null || value === undefined || value === '';
  $(id).textContent = empty ? '—' : String(value);
  const fact = $(id).closest('.facts > div');
  if (fact) fact.hidden = empty;
}

/**
 * The expiry chip: text and colour are the server's (`condition.expiry`, dates for people, time left
 * never rounded up); `data-level` keeps the library's expiry level.
 */
function renderExpiry(view) {
  const chip = $('expiry-chip');
  const expiry = view.condition.expiry;
  chip.className = expiry ? `chip chip--${expiry.tone}` : '';
  chip.closest('.facts > div').hidden = !expiry;
  chip.dataset.tone = expiry ? expiry.tone : 'none';
  chip.dataset.level = view.graceEndsAt ? 'expired' : (view.expiryLevel ?? 'none');
  chip.textContent = expiry ? expiry.text : '—';
}

function renderEntitlements(listId, emptyId, items, working) {
  const list = $(listId);
  list.replaceChildren(
    ...items.map(({ id, defined }) => {
      const item = document.createElement('li');
      item.dataset.id = id;
      item.dataset.defined = String(defined);
      const dot = document.createElement('span');
      // Green only while the license works; red when the install does not define it.
      dot.className = !defined ? 'dot dot--missing' : working ? 'dot' : 'dot dot--inactive';
      dot.setAttribute('aria-hidden', 'true');
      const name = document.createElement('code');
      name.textContent = id;
      item.append(dot, name);
      if (!defined || !working) {
        const note = document.createElement('span');
        note.className = defined ? 'entitlements__note entitlements__note--inactive' : 'entitlements__note';
        note.textContent = defined ? 'not active — the license is not accepted' : 'not defined in this install';
        item.append(note);
      }
      return item;
    }),
  );
  list.hidden = items.length === 0;
  $(emptyId).hidden = items.length > 0;
}

function renderUsers(users, meter) {
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
  bar.dataset.level = meter ?? users.level ?? 'ok';
  bar.setAttribute('aria-valuemax', String(users.max));
  bar.setAttribute('aria-valuenow', String(Math.min(count, users.max)));
  bar.setAttribute('aria-valuetext', `${count} of ${users.max} users (${percent} %)`);
  $('users-fill').style.width = `${Math.min(percent, 100)}%`;
  const state = count > users.max ? ' — over the cap' : count === users.max ? ' — cap reached' : '';
  $('users-text').textContent = `${number(count)} of ${plural(users.max, 'user')} · ${percent} %${state}`;
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

/**
 * Every replica of this install, this one first. A replica whose key fingerprint differs from this
 * one's runs another key (typically the one a rolling key update missed); one whose settings
 * fingerprint differs runs other framework settings (enforcement, public key, key reference — e.g.
 * a change it could not apply): red dot and a note.
 * `bus` says why the list may hold this replica alone: no REDIS_URL (`off`), or Redis down
 * (`unavailable`: the others are unknown, not gone).
 */
function renderReplicas(replicas, bus) {
  const list = $('replicas');
  const own = replicas[0];
  let differingKeys = 0;
  let differingSettings = 0;
  list.replaceChildren(
    ...replicas.map((replica, index) => {
      const otherKey = replica.keyFingerprint !== own?.keyFingerprint;
      // A replica of an older version reports no settings fingerprint: nothing to compare.
      const otherSettings =
        Boolean(replica.settingsFingerprint && own?.settingsFingerprint) &&
        replica.settingsFingerprint !== own.settingsFingerprint;
      if (otherKey) differingKeys++;
      if (otherSettings) differingSettings++;
      const item = document.createElement('li');
      item.dataset.id = replica.id;
      item.dataset.differs = String(otherKey);
      item.dataset.settingsDiffer = String(otherSettings);
      const dot = document.createElement('span');
      // A replica is green only while its own key is accepted; red when rejected, running another key or other settings.
      dot.className =
        otherKey || otherSettings || replica.status === 'rejected'
          ? 'dot dot--missing'
          : replica.status === 'accepted'
            ? 'dot'
            : 'dot dot--inactive';
      dot.setAttribute('aria-hidden', 'true');
      const name = document.createElement('code');
      name.textContent = replica.id;
      const details = document.createElement('span');
      details.className = 'replicas__details';
      const seen = new Date(replica.lastSeenAt).toLocaleTimeString('en-GB', { timeStyle: 'medium' });
      details.textContent = `${replica.status} · key ${replica.keyFingerprint || 'none'} · settings ${replica.settingsFingerprint || 'unknown'} · seen ${seen}${index === 0 ? ' · this replica' : ''}`;
      item.append(dot, name, details);
      for (const [differs, text] of [
        [otherKey, 'runs a different key'],
        [otherSettings, 'runs different settings'],
      ]) {
        if (!differs) continue;
        const note = document.createElement('span');
        note.className = 'entitlements__note';
        note.textContent = text;
        item.append(note);
      }
      return item;
    }),
  );
  const note = $('replicas-note');
  note.dataset.bus = bus;
  note.hidden = bus === 'connected' && replicas.length > 1 && differingKeys === 0 && differingSettings === 0;
  const differences = [
    differingKeys > 0
      ? `${plural(differingKeys, 'replica')} ${differingKeys === 1 ? 'runs' : 'run'} a different key than this one.`
      : '',
    differingSettings > 0
      ? `${plural(differingSettings, 'replica')} ${differingSettings === 1 ? 'runs' : 'run'} different framework settings than this one.`
      : '',
  ].filter(Boolean);
  note.textContent =
    bus === 'unavailable'
      ? 'Redis is unreachable: the other replicas cannot be listed now. This replica keeps serving with its license.'
      : replicas.length <= 1
        ? bus === 'off'
          ? 'Running alone (set REDIS_URL on every replica to list them here).'
          : 'No other replica has reported itself within the last 30 seconds.'
        : differences.join(' ');
}

/**
 * Issue 19: products and the customer id (`sub`) of the key; "Tier" instead of "Edition" for a key
 * that says `tier` (ai.doo); Re-verify's help names where the key is read from.
 */
function renderKeyClaims(view) {
  const products = $('products');
  products.replaceChildren(
    ...view.products.map((product) => {
      const item = document.createElement('li');
      item.textContent = product;
      return item;
    }),
  );
  products.hidden = view.products.length === 0;
  $('products-empty').hidden = view.products.length > 0;
  text('customer-id', view.customerId);
  $('edition-term').textContent = view.tier ? 'Tier' : 'Edition';
  $('reverify-help').textContent = view.activation
    ? 'Re-verify checks the activated key again (stored in the database) — no restart needed.'
    : 'Re-verify reads the license key again from its variable or secret file — no restart needed.';
}

const KEY_SOURCES = {
  variable: (name) => `Environment variable ${name}`,
  file: (name) => `File named by ${name}`,
  database: () => 'Activated here (stored in the app database)',
};

/** The user's permissions, for help that names an action (only actions the user has). */
let permissions = [];

/** What to do next: the server's hint, plus the step on this page the user can take. */
function renderNextStep(view) {
  const hint = view.condition.recovery;
  $('next-step').hidden = !hint;
  $('next-step-text').textContent = hint ?? '';
  const canWrite = permissions.includes('license:write');
  let action = '';
  if (hint && ['not-configured', 'rejected', 'expired', 'grace'].includes(view.condition.key)) {
    if (view.keySource.kind === 'database') {
      action = canWrite ? '' : 'Activating a key needs the license:write permission: ask an administrator.';
    } else {
      action = canWrite
        ? 'Then choose Re-verify (or restart the app).'
        : 'Then restart the app, or ask an administrator with the license:write permission to re-verify.';
    }
  }
  if (view.renewUrl && view.condition.key !== 'accepted')
    action = `${action}${action ? ' ' : ''}For a new or renewed key, use “Renew or contact the vendor”.`;
  $('next-step-action').textContent = action;
  $('next-step-action').hidden = action === '';
}

function renderUnlocks(view) {
  const items = [
    ...view.unlocks.connectors.map((c) => `${c.name} (connector ${c.id})`),
    ...view.unlocks.apps.map((a) => `${a.name} (app ${a.id})`),
  ];
  $('unlocks-list').replaceChildren(
    ...items.map((label) => {
      const item = document.createElement('li');
      item.textContent = label;
      return item;
    }),
  );
  // Shown while nothing licensed works: what a key would bring.
  $('unlocks').hidden = view.condition.working || items.length === 0;
}

function dateTime(id, iso, human) {
  const element = $(id);
  element.dateTime = iso ?? '';
  element.textContent = human ?? '—';
  element.closest('.facts > div').hidden = !human;
}

function render(view) {
  const status = $('status');
  status.dataset.status = view.status;
  status.dataset.tone = view.condition.tone;
  status.dataset.condition = view.condition.key;
  $('status-label').textContent = view.label;
  $('status-badge').textContent = view.condition.badge;
  $('status-summary').textContent = view.condition.summary;
  renderNextStep(view);
  text('customer', view.customer);
  text('edition', view.edition);
  text('instance', view.instance);
  text('license-id', view.licenseId);
  dateTime('issued-at', view.issuedAt, view.issuedOn);
  renderExpiry(view);
  text('key-source', KEY_SOURCES[view.keySource.kind](view.keySource.name));
  text('enforcement', view.enforcement === 'soft' ? 'Soft (banner only)' : 'Restricted');
  const verified = $('verified-at');
  verified.dateTime = view.verifiedAt;
  verified.textContent = new Date(view.verifiedAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  const renew = $('renew');
  renew.hidden = !view.renewUrl;
  if (view.renewUrl) renew.href = view.renewUrl;
  const warnings = $('warnings');
  // The grace period is the status area's (one format): its warning line is not repeated here.
  const shown = view.warnings.filter((warning) => !(view.graceEndsAt && warning.startsWith('license expired on ')));
  warnings.replaceChildren(
    ...shown.map((warning) => {
      const item = document.createElement('li');
      item.textContent = warning;
      return item;
    }),
  );
  warnings.hidden = shown.length === 0;
  renderUnlocks(view);
  renderEntitlements('connectors', 'connectors-empty', view.connectors, view.condition.working);
  renderEntitlements('apps', 'apps-empty', view.apps, view.condition.working);
  renderUsers(view.users, view.seatMeter);
  renderAi(view.ai);
  renderReplicas(view.replicas ?? [], view.replicaBus ?? 'off');
  renderKeyClaims(view);
  $('license').setAttribute('aria-busy', 'false');
}

const SVG = 'http://www.w3.org/2000/svg';

function svgElement(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/**
 * The last 30 days as a small inline SVG: one bar per day for the peak of enabled users (red above
 * the cap), a dashed line at the cap. No chart library: 30 rectangles and a line.
 */
function renderUsage(report) {
  const chart = $('usage-chart');
  const width = 600;
  const height = 140;
  const cap = report.cap.users;
  const top = Math.max(1, cap ?? 0, ...report.days.map((d) => d.peakUsers ?? 0)) * 1.1;
  const slot = width / report.days.length;
  const y = (value) => height - (value / top) * height;
  const bars = report.days.map((day, index) => {
    const value = day.peakUsers ?? 0;
    const bar = svgElement('rect', {
      x: (index * slot + slot * 0.15).toFixed(1),
      y: y(value).toFixed(1),
      width: (slot * 0.7).toFixed(1),
      height: (height - y(value)).toFixed(1),
      class: day.usersOverCap ? 'usage-chart__bar usage-chart__bar--over' : 'usage-chart__bar',
      'data-day': day.day,
      'data-over': day.usersOverCap,
    });
    const title = svgElement('title', {});
    title.textContent =
      day.peakUsers === null
        ? `${day.day}: no data`
        : `${day.day}: ${plural(day.peakUsers, 'user')}, ${plural(day.aiMessages ?? 0, 'AI message')}`;
    bar.append(title);
    return bar;
  });
  const parts = [...bars];
  if (cap !== null) {
    parts.push(
      svgElement('line', {
        x1: 0,
        x2: width,
        y1: y(cap).toFixed(1),
        y2: y(cap).toFixed(1),
        class: 'usage-chart__cap',
        'data-cap': cap,
      }),
    );
  }
  chart.replaceChildren(...parts);
  const over = report.daysOverCap;
  const peak = report.peak;
  $('usage-summary').textContent = [
    `Peak ${peak.users === null ? '—' : plural(peak.users, 'enabled user')}${cap !== null ? ` (cap ${number(cap)})` : ''}`,
    `${plural(over.users, 'day')} over the user cap`,
    `AI messages: peak ${peak.aiMessages === null ? '—' : `${number(peak.aiMessages)}/day`}` +
      (report.cap.aiMessagesPerDay !== null
        ? ` (cap ${number(report.cap.aiMessagesPerDay)}), ${plural(over.aiMessages, 'day')} over`
        : ''),
  ].join(' · ');
  chart.dataset.ready = 'true';
}

async function loadUsage() {
  try {
    const response = await api('/api/license/usage');
    if (!response.ok) {
      $('usage-summary').textContent = `The usage history could not be loaded: ${await errorText(response)}`;
      return;
    }
    renderUsage(await response.json());
  } catch (error) {
    if (!(error instanceof SignedOut)) $('usage-summary').textContent = 'The usage history could not be loaded.';
  }
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
      announce(`Re-verify failed: ${await errorText(response)}`);
      return;
    }
    const view = await response.json();
    render(view);
    await refreshBanner();
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

/** The activation form's outcome line: `ok` (green) or `error` (red); the key is never part of it. */
function activationResult(kind, message) {
  const result = $('activation-result');
  result.className = `activation__result ${kind === 'ok' ? 'success' : 'alert'}`;
  result.dataset.kind = kind;
  result.textContent = message;
  result.hidden = false;
}

async function busy(button, label, work) {
  if (button.getAttribute('aria-disabled') === 'true') return;
  const idle = button.textContent;
  button.setAttribute('aria-disabled', 'true');
  button.setAttribute('aria-busy', 'true');
  button.textContent = label;
  try {
    await work();
  } catch (error) {
    if (!(error instanceof SignedOut)) activationResult('error', 'The server did not answer; nothing was changed.');
  } finally {
    button.removeAttribute('aria-disabled');
    button.removeAttribute('aria-busy');
    button.textContent = idle;
  }
}

/** Paste → verify on the server → stored only if accepted. The field is cleared either way. */
async function activate(event) {
  event.preventDefault();
  const field = $('activation-token');
  const token = field.value.trim();
  if (token === '') {
    field.setAttribute('aria-invalid', 'true');
    activationResult('error', 'Paste a license key first.');
    field.focus();
    return;
  }
  field.removeAttribute('aria-invalid');
  await busy($('activate'), 'Activating…', async () => {
    // Accepted: the key leaves the field (it is never shown again). Refused: it stays, so the
    // admin can see what was pasted next to the reason (issue 19).
    if (await sendKey(token)) field.value = '';
    else field.focus();
  });
}

/** Sends a key (pasted or from a file) to the server, which cleans and verifies it. True when accepted. */
async function sendKey(token) {
  const response = await sendJson('POST', '/api/license/activate', { token });
  if (response.ok) {
    const view = await response.json();
    render(view);
    await refreshBanner();
    activationResult('ok', `Activated: ${view.label}${view.customer ? ` — ${view.customer}` : ''}.`);
    return true;
  }
  const body = await response
    .clone()
    .json()
    .catch(() => ({}));
  if (response.status === 422 && body.code === 'LICENSE_REJECTED') {
    activationResult('error', `Rejected — ${body.reason}. The current license is unchanged.`);
  } else {
    activationResult('error', `Activation failed: ${await errorText(response)}`);
  }
  return false;
}

/** The largest key file read (a key is ~600 characters; the server takes at most 16 KiB). */
const MAX_KEY_FILE_BYTES = 16 * 1024;

/** A key file: read in the browser (bounded), then the same request and checks as a paste. */
async function activateFile() {
  const input = $('activation-file');
  const file = input.files?.[0];
  if (!file) return;
  input.value = '';
  if (file.size > MAX_KEY_FILE_BYTES) {
    activationResult(
      'error',
      `The file is larger than 16 KiB (${number(file.size)} bytes): it is not a license key. Nothing was changed.`,
    );
    return;
  }
  await busy($('activate'), 'Activating…', async () => {
    await sendKey(await file.text());
  });
}

async function deactivate() {
  // Issue 19: removing the key is one click from unlicensed; ask first.
  if (
    !window.confirm('Remove the activated license key? The install becomes unlicensed until a key is activated again.')
  ) {
    activationResult('ok', 'Nothing was changed.');
    return;
  }
  await busy($('deactivate'), 'Removing…', async () => {
    const response = await api('/api/license/activation', { method: 'DELETE' });
    if (!response.ok) {
      activationResult('error', `Removing the key failed: ${await errorText(response)}`);
      return;
    }
    const view = await response.json();
    render(view);
    await refreshBanner();
    activationResult('ok', `The activated key was removed: ${view.label}.`);
  });
}

async function load() {
  $('reverify').addEventListener('click', reverify);
  $('activation-form').addEventListener('submit', activate);
  $('deactivate').addEventListener('click', deactivate);
  $('activation-file').addEventListener('change', activateFile);
  try {
    const [me, licenseResponse] = await Promise.all([startShell(), api('/api/license')]);
    permissions = me.permissions;
    // Re-verify and its help only for users who may use it.
    $('reverify').hidden = !me.permissions.includes('license:write');
    $('reverify-help').hidden = $('reverify').hidden;
    if (!licenseResponse.ok) {
      showLoadError(`The license status could not be loaded: ${await errorText(licenseResponse)}`);
      return;
    }
    const view = await licenseResponse.json();
    render(view);
    // The form only where keys are pasted (key_store = "database") and for license:write.
    $('activation').hidden = !(view.activation && me.permissions.includes('license:write'));
    await loadUsage();
    document.body.dataset.ready = 'true';
  } catch (error) {
    if (!(error instanceof SignedOut))
      showLoadError('The license status could not be loaded: the server did not answer.');
  }
}

load();
