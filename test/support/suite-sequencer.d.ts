// Types of suite-sequencer.js (JavaScript: Jest loads its test sequencer without transforming it).
/** The part of Jest's `Test` the sequencer reads. */
export interface SequencedTest {
  path: string;
  duration?: number;
  context: { config: { cache: boolean } };
}
/** Jest's TestSequencer, with a folder's suite weighed by its specs' size when there is no timing. */
export default class SuiteSequencer {
  constructor(options: object);
  sort<T extends SequencedTest>(tests: T[]): T[];
}
