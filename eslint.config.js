// ESLint: typescript-eslint's strict, type-checked rules over the sources, the tests and the benchmark
// (typed through tsconfig.test.json), with Prettier owning the layout (eslint-config-prettier turns off
// every rule that would fight it). A rule turned off here, or in a file, says why.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', 'coverage/', 'data/', 'test/support/data/']},
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname},
    },
  },
  {
    rules: {
      // `const {type, ...rest} = spec` is how a key is left out of an object: not an unused variable.
      '@typescript-eslint/no-unused-vars': ['error', {ignoreRestSiblings: true}],
    },
  },
  {
    // Plain JavaScript (bin, scripts, migrations, the tripwire): no types to check against.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {process: 'readonly', console: 'readonly', URL: 'readonly'},
    },
  },
  prettier,
)
