// A packaged app's screen (the target of its menu entries): shown while the app is usable now,
// else a clear "not available" (the license does not include it, or it is not installed).

import { $, api, errorText, showLoadError, SignedOut, startShell } from './shell.js';

async function load() {
  try {
    const [, response] = await Promise.all([startShell(), api('/api/apps')]);
    if (!response.ok) {
      showLoadError(`The packaged apps could not be loaded: ${await errorText(response)}`);
      return;
    }
    const apps = await response.json();
    const app = apps.find((a) => a.screens.some((s) => s.path === location.pathname));
    const screen = app?.screens.find((s) => s.path === location.pathname);
    document.body.dataset.available = String(Boolean(screen));
    if (screen) {
      document.title = `${screen.title} · ${app.name} · Liberty`;
      $('app-name').textContent = app.name;
      $('screen-title').textContent = screen.title;
      $('screen-text').textContent =
        `A screen of the packaged app ${app.name} (sample content: this demo app has no data).`;
    } else {
      $('screen-title').textContent = 'Not available';
      $('screen-text').textContent =
        'This screen belongs to a packaged app that cannot be used now: the license does not include it, or it is not installed.';
    }
    document.body.dataset.ready = 'true';
  } catch (error) {
    if (!(error instanceof SignedOut))
      showLoadError('The packaged apps could not be loaded: the server did not answer.');
  }
}

load();
