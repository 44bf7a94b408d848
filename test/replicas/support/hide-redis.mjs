// Preloaded (NODE_OPTIONS=--import) into a sample app child process: makes `redis` unresolvable,
// as in an install that never added it, and prints every attempt to load it on stderr at once
// (`hidden-redis-attempt: {...}`), so the test can tell "never loaded" from "loaded and the error
// swallowed". `hidden-redis: active` shows the preload ran.
import { register } from 'node:module';

const { port1, port2 } = new MessageChannel();
port1.on('message', (attempt) => process.stderr.write(`hidden-redis-attempt: ${JSON.stringify(attempt)}\n`));
port1.unref();
register('../../library/fixtures/hide-optional-hooks.mjs', {
  parentURL: import.meta.url,
  data: { hidden: ['redis', '@redis/client'], port: port2 },
  transferList: [port2],
});
process.stderr.write('hidden-redis: active\n');
