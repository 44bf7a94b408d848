// @liberty/license/cli — the command-line plumbing that `liberty-license` is built from, for the
// vendor's tools in @liberty/license-cli (released in lockstep with this package). Not meant for
// apps: it may change with any release of the pair.
export { runCli, main, customerCommands, type CliOptions } from './main.js';
export {
  UsageError,
  optionValue,
  requiredValue,
  type OptionSpec,
  type OptionSpecs,
  type ParsedArgs,
} from './args.parser.js';
export type { CliCommand } from './cli-command.interface.js';
export { CLI_NAME, HELP_OPTION } from './cli.constants.js';
export { parseCount, parseExpiry, parseIdList, parseInstant, parseText } from './flag-values.parser.js';
export { ExitCode, processIo, quoted, relativeDays, type CliIo } from './output.util.js';
export { readOptionFile } from './option-file.reader.js';
export { readRevocationListFile } from './revocation-list-file.reader.js';
export { verifyCommand } from './verify.command.js';
export { inspectCommand } from './inspect.command.js';
