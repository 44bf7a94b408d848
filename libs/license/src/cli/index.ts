// @liberty/license/cli — the command-line plumbing that `liberty-license` is built from, for the
// vendor's tools in @liberty/license-cli (released in lockstep with this package). Not meant for
// apps: it may change with any release of the pair.
export { runCli, main, customerCommands, type CliOptions } from './main.js';
export { UsageError, optionValue, requiredValue, type OptionSpec, type OptionSpecs, type ParsedArgs } from './args.js';
export { HELP_OPTION, type CliCommand } from './cli-command.js';
export { CLI_NAME } from './cli.constants.js';
export { parseCount, parseExpiry, parseIdList, parseInstant, parseText } from './flag-values.js';
export { ExitCode, processIo, quoted, relativeDays, type CliIo } from './output.js';
export { readOptionFile } from './read-file.js';
export { readRevocationListFile } from './revocation-list-file.js';
export { verifyCommand } from './verify.command.js';
export { inspectCommand } from './inspect.command.js';
