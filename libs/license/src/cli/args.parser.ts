import { parseArgs } from 'node:util';

/** A mistake in how the tool was called: exit code 2 and one line on stderr. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'CLI_USAGE';
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The option may be given more than once (its values are collected in order). */
  multiple?: boolean;
  /** Placeholder shown in messages, e.g. `PATH`. */
  value?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface ParsedArgs {
  /** String options: the last (only) value; `multiple` options: every value. */
  strings: Map<string, string[]>;
  flags: Set<string>;
  positionals: string[];
}

/**
 * Parses one command's arguments with `node:util` `parseArgs` (tokens mode), then checks every
 * token against `specs` so each mistake gets its own one-line message: unknown option, missing
 * value, value given to a switch, option repeated. Messages name options, never echo values
 * (a value may be a license key).
 */
export function parseCommandArgs(argv: readonly string[], specs: OptionSpecs): ParsedArgs {
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(
      Object.entries(specs).map(([name, spec]) => [
        name,
        { type: spec.type, ...(spec.short ? { short: spec.short } : {}) },
      ]),
    ),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });

  const parsed: ParsedArgs = { strings: new Map(), flags: new Set(), positionals: [] };
  for (const token of tokens) {
    if (token.kind === 'positional') {
      parsed.positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const long = token.rawName.startsWith('--');
    // parseArgs reports a known short option under its long name, an unknown one as its letter.
    const name = token.name;
    const known = Object.hasOwn(specs, name) ? specs[name] : undefined;
    const spec = long || known?.short === token.rawName.slice(1) ? known : undefined;
    if (!spec) throw new UsageError(`unknown option ${safeOptionName(token.rawName)}`);
    const shown = long ? `--${name}` : token.rawName;
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`option ${shown} takes no value`);
      parsed.flags.add(name);
      continue;
    }
    const value = token.value;
    if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('-'))) {
      throw new UsageError(
        `option ${shown} needs a value${spec.value ? ` (${spec.value})` : ''}` +
          (value?.startsWith('-') ? `; write ${shown}=VALUE for a value that starts with "-"` : ''),
      );
    }
    const values = parsed.strings.get(name) ?? [];
    if (values.length > 0 && !spec.multiple) throw new UsageError(`option ${shown} is given more than once`);
    values.push(value);
    parsed.strings.set(name, values);
  }
  return parsed;
}

/** The value of a single-valued string option, if given. */
export function optionValue(args: ParsedArgs, name: string): string | undefined {
  return args.strings.get(name)?.[0];
}

/** The value of a string option that must be given. */
export function requiredValue(args: ParsedArgs, name: string, placeholder: string): string {
  const value = optionValue(args, name);
  if (value === undefined) throw new UsageError(`option --${name} ${placeholder} is required`);
  return value;
}

/** `--name` for a message: printable and short, since a mistyped option might carry a key. */
function safeOptionName(raw: string): string {
  const clean = raw.replace(/[^\x21-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
