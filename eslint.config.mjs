// ESLint flat config, set up as the Nest anchors do: typescript-eslint's type-checked rules, and
// Prettier owns the layout (eslint-config-prettier turns the layout rules off).
// Errors are rules that catch bugs (floating or misused promises, unused code, …); rules about
// `any` leaking from JSON, test doubles and third-party types are warnings, to fix file by file.
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
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Tests and JSON bodies are `any` by nature; warnings, fixed as files are reworked.
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unsafe-argument': 'warn',
      '@typescript-eslint/no-unsafe-assignment': 'warn',
      '@typescript-eslint/no-unsafe-call': 'warn',
      '@typescript-eslint/no-unsafe-member-access': 'warn',
      '@typescript-eslint/no-unsafe-return': 'warn',
      '@typescript-eslint/no-unsafe-function-type': 'warn',
      '@typescript-eslint/no-unnecessary-type-assertion': 'warn',
      '@typescript-eslint/no-redundant-type-constituents': 'warn',
      '@typescript-eslint/require-await': 'warn',
      // `expect(service.method)` and handler maps pass methods around on purpose.
      '@typescript-eslint/unbound-method': 'warn',
      'preserve-caught-error': 'warn',
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
  },
  // The sample app's pages run in the browser, and so do the functions tests hand to page.evaluate().
  { files: ['apps/*/web/**/*.js', 'test/browser/support/*.js'], languageOptions: { globals: { ...globals.browser } } },
  prettier,
);
