// The one way the browser suites and the screenshot scripts start Chromium. Plain JS so that both
// the Jest suites (TypeScript) and the scripts (node *.mjs) share it, as license-states.js is.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

// Debian's chromium-headless-shell: the headless build of the same Chromium that Playwright itself
// runs headless; the full browser in headless mode costs ~40 % more CPU for the same pages
// (docs/testing.md). scripts/provision-test-deps.mjs installs it at this default path.
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell';

/** Flags that keep Chromium off the network (this network refuses its background connections). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium through playwright-core. A missing browser fails loudly, never skips. */
export async function launchChromium() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The browser tests need it: ` +
        'run "apt-get install -y chromium-headless-shell" (.ci/run does this), ' +
        'or point CHROMIUM_PATH at a Chromium binary.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
