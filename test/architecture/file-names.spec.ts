// Source files are named `<name>.<role>.ts` (docs/decisions.md, "The library's tree"): a kebab-case
// name, then one role word saying what the file's main export is. Runs in the unit project.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const TREES = ['libs/license/src', 'apps/sample/src', 'apps/satellite/src'];

/** The role words of docs/decisions.md, and Nest's own (controller, dto, gateway, …). */
const ROLES = [
  ...['adapter', 'controller', 'controllers', 'decorator', 'dto', 'exception', 'exceptions', 'filter', 'gateway'],
  ...['guard', 'interceptor', 'module', 'module-definition', 'pipe', 'provider', 'service'],
  ...['bus', 'client', 'clock', 'command', 'config', 'constants', 'contents', 'error', 'evaluator', 'explorer'],
  ...['indicator', 'interface', 'internal-constants', 'limiter', 'loader', 'log', 'metrics', 'origin', 'parser'],
  ...['policy', 'presence', 'queue', 'reader', 'recorder', 'registry', 'resolver', 'retry', 'signer', 'source'],
  ...['store', 'subset', 'test-kit', 'util', 'validator', 'verifier', 'view', 'watcher'],
];

/** Names Node and Nest expect as they are: the public subpaths' index.ts, the bin, the apps' entry points. */
const AS_NODE_EXPECTS = /(^|\/)index\.ts$|^libs\/license\/src\/cli\/main\.ts$|^apps\/[a-z]+\/src\/(app|main)\.ts$/;

const NAMED = new RegExp(`^[a-z0-9]+(-[a-z0-9]+)*\\.(${ROLES.join('|')})(\\.spec)?\\.ts$`);

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative(process.cwd(), path)] : [];
  });
}

const misnamed = (paths: string[]) =>
  paths.filter((path) => !AS_NODE_EXPECTS.test(path) && !NAMED.test(path.split('/').at(-1)!));

describe('file names', () => {
  it.each(TREES)('every file of %s is <name>.<role>.ts (or a name Node expects)', (tree) => {
    const files = sourcesUnder(tree);
    expect(files.length).toBeGreaterThan(5);
    expect(misnamed(files)).toEqual([]);
  });

  it('rejects a name without a role, an unknown role and a camelCase name (the rule is live)', () => {
    const tried = ['database.ts', 'session-store.ts', 'seats.thing.ts', 'seatLimiter.limiter.ts', 'a/b/main.ts'];
    expect(misnamed(tried.map((name) => `apps/sample/src/x/${name}`))).toHaveLength(tried.length);
    expect(misnamed(['apps/sample/src/x/session.store.ts', 'apps/sample/src/x/seat.limiter.spec.ts'])).toEqual([]);
  });
});
