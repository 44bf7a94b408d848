// Jest runs the TypeScript sources as ESM (NestJS 12 and jose 6 are ESM-only).
// `@liberty/license` maps to the library's sources so tests and the sample app share one copy
// of every class (DI tokens are classes). The CLI tests run the *built* bin as a child process.
const esm = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@liberty/license$': '<rootDir>/libs/license/src/index.ts',
    '^@liberty/license-cli$': '<rootDir>/libs/license-cli/src/index.ts',
    // Every subpath export (testing, terminus, prometheus, …) is src/<subpath>/index.ts.
    '^@liberty/license/([a-z-]+)$': '<rootDir>/libs/license/src/$1/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
    // @nestjs/throttler is CommonJS and require()s the ESM-only @nestjs/common: see the transform.
    '/node_modules/@nestjs/throttler/.+\\.js$': '<rootDir>/test/support/cjs-to-esm-nest.cjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/throttler/)'],
  testEnvironment: 'node',
  rootDir: '.',
  // Built output, and the Node binaries test-node-majors.mjs caches (their package.json files collide).
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.cache/'],
};

export default {
  // Weighs a folder's suite by its specs when Jest has no timing to order files by (a fresh clone).
  testSequencer: '<rootDir>/test/support/suite-sequencer.js',
  projects: [
    {
      ...esm,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/test/architecture/*.spec.ts',
      ],
    },
    {
      ...esm,
      displayName: 'e2e',
      // One test file per folder: `<folder>.e2e-suite.ts` imports the folder's `*.e2e-spec.ts` (test/support/suite.ts).
      testMatch: ['<rootDir>/test/**/*.e2e-suite.ts'],
      // The sample app's @nestjs/throttler reaches the app's own @nestjs/common (see the transform);
      // e2e-timeout: a 60 s default for tests and hooks (a project's `testTimeout` is ignored by Jest).
      setupFilesAfterEnv: ['<rootDir>/test/support/nest-esm-globals.ts', '<rootDir>/test/support/e2e-timeout.ts'],
    },
    { ...esm, displayName: 'fuzz', testMatch: ['<rootDir>/test/**/*.fuzz-spec.ts'] },
  ],
};
