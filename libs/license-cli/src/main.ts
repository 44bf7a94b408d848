import { readFileSync } from 'node:fs';
import { CLI_NAME, customerCommands, main as runMain } from '@liberty/license/cli';
import { vendorCommands } from './index.js';

/** `liberty-license-vendor`: every command, the customer's and the vendor's, from this package's bin. */
export async function main(): Promise<void> {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  await runMain({
    commands: [...customerCommands(), ...vendorCommands],
    version: `${CLI_NAME} ${manifest.version} (${'@liberty/license-cli'})`,
  });
}
