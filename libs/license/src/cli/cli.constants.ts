/** The tool's name, as installed in `node_modules/.bin`. */
export const CLI_NAME = 'liberty-license';
/** Where `verify` and `inspect` read the token when given neither TOKEN nor `-`. */
export const DEFAULT_LICENSE_KEY_VARIABLE = 'LIBERTY_LICENSE_KEY';
/** Where `verify` finds the public key when `--public-key` is not given. */
export const PUBLIC_KEY_PATH_VARIABLE = 'LIBERTY_PUBLIC_KEY_PATH';

/** `--help` / `-h`, which every command takes. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;
