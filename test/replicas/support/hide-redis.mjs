// Preloaded (NODE_OPTIONS=--import) into a sample app child process: makes `redis` unresolvable,
// as in an install that never added it, and prints every attempt to load it on stderr at once
// (`hidden-redis-attempt: {...}`, written synchronously by the hooks so that a process exiting on
// that very error still prints it), so the test can tell "never loaded" from "loaded and the error
// swallowed". `hidden-redis: active` shows the preload ran.
import { register } from 'node:module';

register('../../library/fixtures/hide-optional-hooks.mjs', {
  parentURL: import.meta.url,
  data: { hidden: ['redis', '@redis/client'], stderrPrefix: 'hidden-redis-attempt:' },
});
process.stderr.write('hidden-redis: active\n');
