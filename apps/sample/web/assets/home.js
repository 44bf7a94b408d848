// The home page: the catalogue (connectors, packaged apps), the packaged apps' menus and the AI
// tools usable now, all read from the API (which already leaves out what the license locks).

import { $, api, currentBanner, errorText, showLoadError, SignedOut, startShell } from './shell.js';

function item(main, detail, tag) {
  const li = document.createElement('li');
  li.append(main);
  if (detail) {
    const span = document.createElement('span');
    span.className = 'items__detail';
    span.textContent = detail;
    li.append(span);
  }
  if (tag) {
    const badge = document.createElement('span');
    badge.className = `tag tag--${tag.toLowerCase()}`;
    badge.textContent = tag;
    li.append(badge);
  }
  return li;
}

function named(name, id) {
  const wrapper = document.createElement('span');
  wrapper.className = 'items__name';
  const strong = document.createElement('strong');
  strong.textContent = name;
  const code = document.createElement('code');
  code.textContent = id;
  wrapper.append(strong, ' ', code);
  return wrapper;
}

function fill(listId, emptyId, items) {
  $(listId).replaceChildren(...items);
  $(listId).hidden = items.length === 0;
  $(emptyId).hidden = items.length > 0;
}

function render(catalogue, menus, tools) {
  fill(
    'connectors',
    'connectors-empty',
    catalogue.connectors.map((c) => {
      const li = item(named(c.name, c.id), null, c.licensed ? 'Licensed' : 'Open');
      li.dataset.id = c.id;
      return li;
    }),
  );
  fill(
    'apps',
    'apps-empty',
    catalogue.apps.map((a) => {
      const li = item(named(a.name, a.id), null, 'Licensed');
      li.dataset.id = a.id;
      return li;
    }),
  );
  fill(
    'menus',
    'menus-empty',
    menus
      .filter((m) => m.app)
      .map((m) => {
        const link = document.createElement('a');
        link.href = m.path;
        link.textContent = m.label;
        const li = item(link);
        li.dataset.id = m.id;
        return li;
      }),
  );
  fill(
    'tools',
    'tools-empty',
    tools.map((t) => {
      const code = document.createElement('code');
      code.textContent = t.id;
      const li = item(code, t.description);
      li.dataset.id = t.id;
      return li;
    }),
  );
  // Without an accepted license every AI message is refused: the assistant's tools are not shown.
  $('ai-tools').hidden = currentBanner !== null && currentBanner.status !== 'accepted';
  $('home').setAttribute('aria-busy', 'false');
}

async function load() {
  try {
    const [, catalogue, menus, tools] = await Promise.all([
      startShell(),
      api('/api/catalogue'),
      api('/api/menus'),
      api('/api/ai/tools'),
    ]);
    for (const response of [catalogue, menus, tools]) {
      if (!response.ok) {
        showLoadError(`The catalogue could not be loaded: ${await errorText(response)}`);
        return;
      }
    }
    render(await catalogue.json(), await menus.json(), await tools.json());
    document.body.dataset.ready = 'true';
  } catch (error) {
    if (!(error instanceof SignedOut)) showLoadError('The catalogue could not be loaded: the server did not answer.');
  }
}

load();
