#!/usr/bin/env node
// The `liberty-license` command. The code is TypeScript in src/cli, compiled to dist/cli.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'liberty-license: the package is not built (dist/cli/main.js is missing); run "npm run build"\n',
  );
  process.exit(2);
}
const { main } = await import(entry.href);
await main();
