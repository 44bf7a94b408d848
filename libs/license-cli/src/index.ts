// @liberty/license-cli — the vendor's tools: signing key pairs, license keys and revocation lists.
// Never a dependency of the product a customer runs; the product needs only @liberty/license.
import type { CliCommand } from '@liberty/license/cli';
import { issueCommand } from './issue.command.js';
import { keygenCommand } from './keygen.command.js';
import { revokeCommand } from './revoke.command.js';

export {
  generateLicenseKeyPair,
  signLicense,
  DEFAULT_RSA_BITS,
  type PemKeyPair,
  type IssueLicenseOptions,
} from './license-signer.js';

/** keygen, issue and revoke: `liberty-license` offers them when this package is installed. */
export const vendorCommands: readonly CliCommand[] = [keygenCommand, issueCommand, revokeCommand];
