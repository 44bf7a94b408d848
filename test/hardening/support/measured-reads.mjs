// Runs reads in a fresh Node process and reports what each cost THIS process — its elapsed time and
// the growth of its peak RSS — so that Jest's heap and garbage collector are not in the figures.
// argv[2]: JSON [{ id, module (file URL), name, args, env?, repeat? }]; an argument { "$env": true } is
// an environment reader over process.env (`{ get(name) }`), with the case's `env` set first. Prints one JSON object:
// { [id]: { ms, peakGrowthBytes, result } | { ms, peakGrowthBytes, error } }.
const cases = JSON.parse(process.argv[2]);
const env = { get: (name) => process.env[name] };
const results = {};
for (const { id, module, name, args, env: variables = {}, repeat = 1 } of cases) {
  Object.assign(process.env, variables);
  const read = (await import(module))[name];
  const resolved = args.map((arg) => (arg && arg.$env ? env : arg));
  const peakBefore = process.resourceUsage().maxRSS;
  const started = performance.now();
  let outcome;
  for (let i = 0; i < repeat; i++) {
    try {
      outcome = { result: await read(...resolved) };
    } catch (error) {
      outcome = { error: error instanceof Error ? error.message : String(error) };
    }
  }
  const ms = performance.now() - started;
  results[id] = { ms, peakGrowthBytes: (process.resourceUsage().maxRSS - peakBefore) * 1024, ...outcome };
}
process.stdout.write(JSON.stringify(results));
