#!/usr/bin/env node
// `liberty-license-vendor`: the vendor's tools (keygen, issue, revoke) plus verify and inspect.
// With this package installed, `liberty-license keygen|issue|revoke` works too.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'liberty-license-vendor: the package is not built (dist/main.js is missing); run "npm run build"\n',
  );
  process.exit(2);
}
const { main } = await import(entry.href);
await main();
