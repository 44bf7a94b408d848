import { readFileSync } from 'node:fs';
import { parseCommandArgs, UsageError } from './args.parser.js';
import { CLI_NAME } from './cli.constants.js';
import type { CliCommand } from './cli-command.interface.js';
import { inspectCommand } from './inspect.command.js';
import { ExitCode, processIo, type CliIo } from './output.util.js';
import { verifyCommand } from './verify.command.js';

/** What a customer runs: the runtime package ships these and nothing that signs. */
const CUSTOMER_COMMANDS: readonly CliCommand[] = [verifyCommand, inspectCommand];
/** The vendor's tools, in the separate package @liberty/license-cli. */
export const VENDOR_PACKAGE = '@liberty/license-cli';
const VENDOR_COMMAND_NAMES = ['keygen', 'issue', 'revoke'] as const;

export interface CliOptions {
  /** The commands on offer; default: verify and inspect, plus the vendor's when its package is installed. */
  commands?: readonly CliCommand[];
  /** `--version` output; default: this package's version. */
  version?: string;
}

function toolHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const vendorMissing = VENDOR_COMMAND_NAMES.filter((name) => !commands.some((c) => c.name === name));
  return `Usage: ${CLI_NAME} <command> [options]

Offline RS256 license keys for @liberty/license.

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}${
    vendorMissing.length > 0
      ? `\n\n${vendorMissing.join(', ')}: the vendor's signing tools, in ${VENDOR_PACKAGE} (not installed here).`
      : ''
  }

Options:
  -h, --help     show this help (or "${CLI_NAME} <command> --help")
  -v, --version  print the version

Exit status: 0 ok, 1 rejected or malformed key, 2 usage error.`;
}

/**
 * Runs `liberty-license` with `argv` (without `node` and the script) and returns the exit code.
 * Usage errors print one line on stderr and return 2; nothing here calls `process.exit`.
 */
export async function runCli(argv: readonly string[], io: CliIo, options: CliOptions = {}): Promise<number> {
  // The vendor's package is loaded only when it is asked for (or listed): `verify` stays quick.
  const customerOnly = CUSTOMER_COMMANDS.some((c) => c.name === argv[0]);
  const commands =
    options.commands ?? (customerOnly ? CUSTOMER_COMMANDS : [...CUSTOMER_COMMANDS, ...(await vendorCommands())]);
  const names = commands.map((c) => c.name);
  const expected = `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(`${CLI_NAME}: missing command (${expected}); see ${CLI_NAME} --help`);
    return ExitCode.usage;
  }
  if (first === '--help' || first === '-h' || (first === 'help' && rest.length === 0)) {
    io.out(toolHelp(commands));
    return ExitCode.ok;
  }
  if (first === '--version' || first === '-v') {
    io.out(options.version ?? `${CLI_NAME} ${packageVersion()}`);
    return ExitCode.ok;
  }
  const name = first === 'help' ? rest[0] : first;
  const command = commands.find((c) => c.name === name);
  if (!command) {
    if ((VENDOR_COMMAND_NAMES as readonly (string | undefined)[]).includes(name)) {
      io.err(
        `${CLI_NAME}: ${name} is one of the vendor's signing tools, in ${VENDOR_PACKAGE}; install it where you sign keys (npm i -D ${VENDOR_PACKAGE})`,
      );
      return ExitCode.usage;
    }
    const shown = /^[a-z-]{1,20}$/.test(name ?? '') ? ` "${name}"` : '';
    io.err(`${CLI_NAME}: unknown command${shown}; expected ${expected} (see ${CLI_NAME} --help)`);
    return ExitCode.usage;
  }
  if (first === 'help' || wantsHelp(rest)) {
    io.out(command.help);
    return ExitCode.ok;
  }
  try {
    return await command.run(parseCommandArgs(rest, command.options), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${CLI_NAME} ${command.name}: ${error.message} (see ${CLI_NAME} ${command.name} --help)`);
      return ExitCode.usage;
    }
    io.err(`${CLI_NAME} ${command.name}: error: ${(error as Error)?.message ?? String(error)}`);
    return ExitCode.rejected;
  }
}

/** The customer's commands: what the vendor's package builds its full tool from. */
export function customerCommands(): readonly CliCommand[] {
  return CUSTOMER_COMMANDS;
}

/** The vendor's commands when @liberty/license-cli is installed beside this package, else none. */
async function vendorCommands(): Promise<readonly CliCommand[]> {
  const specifier: string = VENDOR_PACKAGE; // a variable: this package must not depend on the vendor's
  try {
    const vendor = (await import(specifier)) as { vendorCommands?: unknown };
    return Array.isArray(vendor.vendorCommands) ? (vendor.vendorCommands as readonly CliCommand[]) : [];
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND') return [];
    throw error;
  }
}

/** `-h` / `--help` anywhere before `--` wins over every other argument, valid or not. */
function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** The bin's entry point: the real process, and its exit code set without cutting output short. */
export async function main(options: CliOptions = {}): Promise<void> {
  // `liberty-license inspect … | head -1`: a closed pipe ends the tool quietly, not with a trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? ExitCode.ok);
  });
  process.exitCode = await runCli(process.argv.slice(2), processIo(), options);
}
