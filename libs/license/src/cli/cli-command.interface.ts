import type { OptionSpecs, ParsedArgs } from './args.parser.js';
import type { CliIo } from './output.util.js';

/** One `liberty-license <command>`: its options, its help text and what it does. */
export interface CliCommand {
  readonly name: string;
  /** One line for the tool's help. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  readonly options: OptionSpecs;
  /** Returns the exit code; throws `UsageError` for a bad invocation. */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}
