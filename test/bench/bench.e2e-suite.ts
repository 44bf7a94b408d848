// Jest runs this folder's specs as one test file: test/support/suite.ts says why.
import { importSpecs } from '../support/suite.js';

await importSpecs(import.meta.url);
