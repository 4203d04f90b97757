// ESLint flat config: typescript-eslint's type-checked recommended rules over every TypeScript file
// the project type-checks (tsconfig.json). `npm run lint` runs tsc, then this, then prettier --check.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', '.local/**', 'coverage/**', '**/*.js', '**/*.cjs', '**/*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    // A disable comment that no longer suppresses anything is an error, so none go stale.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // An `async` function that implements a Promise-returning interface (a fake, an adapter that
      // answers from memory) need not await anything; the signature is the contract.
      '@typescript-eslint/require-await': 'off',
      // `_`-prefixed names are deliberately unused (destructuring to drop a key, table-test names).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests read untyped JSON (HTTP bodies, State values) and assert on it with toEqual/toMatchObject:
      // narrowing each field first would only add noise, and a wrong shape fails the assertion anyway.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // jest's expect(obj.method).toHaveBeenCalled() style passes methods unbound on purpose.
      '@typescript-eslint/unbound-method': 'off',
      // Fakes of untyped client libraries (openwhisk, aio-lib-state) are typed `any` at the seam.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // These walk untyped YAML/JSON documents (app.config.yaml through aio's loader, the user's webpack
    // config, I/O Events HAL answers) as `any`. To do: give each document a type at its parse
    // boundary and delete this block; until then the unsafe-`any` family is off for these four only.
    files: [
      'local/runtime/manifest.ts',
      'local/runtime/webpack-recipe.ts',
      'local/events/manifest-registrations.ts',
      'onboarding/reconcile.ts',
    ],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
)
