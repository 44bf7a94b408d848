// Import rules for the library and the apps (`npm run lint:deps`; test/library/architecture.e2e-spec.ts
// runs it too). Layers of libs/license/src, lowest first — a file may import its own layer or lower:
//   0 interfaces/ (types only), license.constants.ts, license.internal-constants.ts
//   1 verification/, files/, common/
//   2 options/, key-stores/, revocation/
//   3 state/
//   4 engine/, hub/, decorators/, contexts/
//   5 the Nest wiring at the root (module, service, guard, explorer), registry/, seats/, usage/
//   6 the optional integrations and tools: redis/, terminus/, prometheus/, testing/, cli/
// See docs/decisions.md ("The library's tree").
const SRC = '^libs/license/src/';
const layers = [
  `${SRC}(interfaces/|license\\.(internal-)?constants\\.ts$)`,
  `${SRC}(verification|files|common)/`,
  `${SRC}(options|key-stores|revocation)/`,
  `${SRC}state/`,
  `${SRC}(engine|hub|decorators|contexts)/`,
  `${SRC}([^/]+\\.ts$|registry/|seats/|usage/)`,
  `${SRC}(redis|terminus|prometheus|testing|cli)/`,
];

// Layer 0 is checked by interfaces-are-types-only instead: a type import from anywhere is erased, and
// no-circular still catches a type cycle.
const upward = layers
  .slice(0, -1)
  .map((from, i) => ({
    name: `no-import-up-from-layer-${i}`,
    comment: `layer ${i} must not import a higher layer (see the layer list at the top of this file)`,
    severity: 'error',
    from: { path: from, pathNot: '\\.spec\\.ts$' },
    to: { path: layers.slice(i + 1), pathNot: layers.slice(0, i + 1) },
  }))
  .slice(1);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'import cycles make load order matter and hide layering mistakes',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'interfaces-are-types-only',
      comment: 'interfaces/ holds types only, so it can never be part of a cycle at run time',
      severity: 'error',
      from: { path: `${SRC}interfaces/` },
      to: { dependencyTypesNot: ['type-only'] },
    },
    ...upward,
    {
      name: 'no-bench-in-sources',
      comment: 'benchmarks depend on the code, never the other way round',
      severity: 'error',
      from: { path: '^(libs|apps)/' },
      to: { path: '^bench/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    // Type-only imports count: a cycle through types is still a cycle in the design.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
