import { Buffer } from 'node:buffer';
import { parseCompactJws, parseJsonObject } from '../verification/compact-jws.parser.js';
import { isoSeconds } from '../verification/rejection-reasons.util.js';
import { CLI_NAME, DEFAULT_LICENSE_KEY_VARIABLE, HELP_OPTION } from './cli.constants.js';
import type { CliCommand } from './cli-command.interface.js';
import { ExitCode, safeJson, type CliIo } from './output.util.js';
import { readTokenInput } from './token-input.reader.js';
import type { ParsedArgs } from './args.parser.js';

export const UNVERIFIED_BANNER = 'UNVERIFIED — decoded without checking the signature';
const MALFORMED = 'malformed — not a compact JWS of three base64url parts with a JSON object header and payload';

const help = `Usage: ${CLI_NAME} inspect [TOKEN|-] [options]

Decodes a license key's header and claims WITHOUT verifying it: anyone can write a token that
decodes to anything. Use "${CLI_NAME} verify" to know whether a key is genuine.
The key comes from TOKEN, from standard input (-), or from --env NAME (default ${DEFAULT_LICENSE_KEY_VARIABLE}).

Options:
  --env NAME   read the key from this variable (default ${DEFAULT_LICENSE_KEY_VARIABLE})
  --json       print {"verified": false, "header": …, "payload": …} as JSON
  -h, --help   show this help

Exit status: 0 decoded, 1 malformed, 2 usage error.`;

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'decode a license key WITHOUT verifying it (marked UNVERIFIED)',
  help,
  options: { ...HELP_OPTION, env: { type: 'string', value: 'NAME' }, json: { type: 'boolean' } },
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const token = await readTokenInput(args, io);
    const jws = parseCompactJws(token);
    const payload = jws && parseJsonObject(Buffer.from(jws.segments[1], 'base64url').toString('utf8'));
    if (!jws || !payload) {
      io.out(MALFORMED);
      return ExitCode.rejected;
    }
    if (args.flags.has('json')) {
      io.out(safeJson({ verified: false, header: jws.header, payload }, 2));
      return ExitCode.ok;
    }
    io.out(UNVERIFIED_BANNER);
    io.out(`header: ${safeJson(jws.header, 2)}`);
    io.out(`payload: ${safeJson(payload, 2)}`);
    for (const claim of ['iat', 'nbf', 'exp'] as const) {
      const value = payload[claim];
      if (typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) < 253_402_300_800) {
        io.out(`${claim}=${isoSeconds(new Date(value * 1000))}`);
      }
    }
    io.out(`signature: ${Buffer.from(jws.segments[2], 'base64url').length} bytes, NOT checked`);
    return ExitCode.ok;
  },
};
