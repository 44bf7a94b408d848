import { jest } from '@jest/globals';
import { E2E_TIMEOUT_MS } from './suite.js';

// The e2e project's default timeout for tests and hooks: 60 s. Real processes, browsers and servers
// share 2 cores (two suites at a time, and the Node-major reruns beside them): Jest's 5 s default
// fails a slow start, not a broken behaviour. Set here because Jest reads `testTimeout` from the
// top-level configuration only: inside a project it is silently ignored. Specs that need more ask
// with specTimeout() (test/support/suite.ts), which runs after this.
jest.setTimeout(E2E_TIMEOUT_MS);
