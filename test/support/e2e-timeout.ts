import { jest } from '@jest/globals';

// The e2e project's default timeout for tests and hooks: 60 s. Real processes, browsers and servers
// share 2 cores (two suites at a time, and the Node-major reruns beside them): Jest's 5 s default
// fails a slow start, not a broken behaviour. Set here because Jest reads `testTimeout` from the
// top-level configuration only: inside a project it is silently ignored. Suites that need more set
// their own (jest.setTimeout at the top of the file runs after this).
jest.setTimeout(60_000);
