// ESLint flat config, set up as the Nest anchors do: typescript-eslint's type-checked rules, and
// Prettier owns the layout (eslint-config-prettier turns the layout rules off).
// Every finding is an error (`npm run lint` allows no warning): the sources have none; the tests
// turn off the rules about `any` and async doubles (see their block below).
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '**/*.d.ts'] },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Sanitisers match control characters on purpose (printable(), flag values, ANSI codes).
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.fuzz-spec.ts', 'test/**'],
    languageOptions: { globals: { ...globals.jest } },
    // What a test reads is `any` by nature (supertest's `body`, parsed JSON, decoded claims) and
    // asserting on it is the test; its doubles implement async interfaces without awaiting, and
    // `expect(service.method)` passes methods around. Unions such as `ReasonKind | string` document
    // that a fuzzer expects a known reason or a free text.
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-redundant-type-constituents': 'off',
    },
  },
  // The sample app's pages run in the browser, and so do the functions tests hand to page.evaluate().
  { files: ['apps/*/web/**/*.js', 'test/browser/support/*.js'], languageOptions: { globals: { ...globals.browser } } },
  prettier,
);
