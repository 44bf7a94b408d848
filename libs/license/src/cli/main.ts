import { readFileSync } from 'node:fs';
import { parseCommandArgs, UsageError } from './args.js';
import { CLI_NAME } from './cli.constants.js';
import type { CliCommand } from './cli-command.js';
import { inspectCommand } from './inspect.command.js';
import { issueCommand } from './issue.command.js';
import { keygenCommand } from './keygen.command.js';
import { revokeCommand } from './revoke.command.js';
import { ExitCode, processIo, type CliIo } from './output.js';
import { verifyCommand } from './verify.command.js';

const COMMANDS: readonly CliCommand[] = [verifyCommand, inspectCommand, keygenCommand, issueCommand, revokeCommand];

function toolHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: ${CLI_NAME} <command> [options]

Offline RS256 license keys for @liberty/license.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help     show this help (or "${CLI_NAME} <command> --help")
  -v, --version  print the version

Exit status: 0 ok, 1 rejected or malformed key, 2 usage error.`;
}

/**
 * Runs `liberty-license` with `argv` (without `node` and the script) and returns the exit code.
 * Usage errors print one line on stderr and return 2; nothing here calls `process.exit`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(`${CLI_NAME}: missing command (verify, inspect, keygen, issue or revoke); see ${CLI_NAME} --help`);
    return ExitCode.usage;
  }
  if (first === '--help' || first === '-h' || (first === 'help' && rest.length === 0)) {
    io.out(toolHelp());
    return ExitCode.ok;
  }
  if (first === '--version' || first === '-v') {
    io.out(version());
    return ExitCode.ok;
  }
  const name = first === 'help' ? rest[0] : first;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const shown = /^[a-z-]{1,20}$/.test(name ?? '') ? ` "${name}"` : '';
    io.err(`${CLI_NAME}: unknown command${shown}; expected verify, inspect, keygen, issue or revoke (see ${CLI_NAME} --help)`);
    return ExitCode.usage;
  }
  if (first === 'help') {
    io.out(command.help);
    return ExitCode.ok;
  }
  if (wantsHelp(rest)) {
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

/** `-h` / `--help` anywhere before `--` wins over every other argument, valid or not. */
function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `${CLI_NAME} ${manifest.version}`;
}

/** The bin's entry point: the real process, and its exit code set without cutting output short. */
export async function main(): Promise<void> {
  // `liberty-license inspect … | head -1`: a closed pipe ends the tool quietly, not with a trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? ExitCode.ok);
  });
  process.exitCode = await runCli(process.argv.slice(2), processIo());
}
