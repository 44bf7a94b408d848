// @liberty/license/testing: helpers for testing apps that use @liberty/license.
export {
  LicenseTestKit,
  defaultTestClaims,
  type TestKeyOptions,
  type TestModuleOptions,
  type TestLicenseState,
} from './license.test-kit.js';
export { generateLicenseKeyPair, signLicense, type PemKeyPair } from './license.signer.js';
