// Lint: typescript-eslint's recommended rules, no import cycles, and the layering
// io <- writable/codec <- seq <- map <- convert <- cli (a layer imports only from layers below it).
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const layers = ['io', 'writable', 'codec', 'seq', 'map', 'convert', 'cli'];
/** What each layer may not import from. */
const forbidden = {
  io: ['writable', 'codec', 'seq', 'map', 'convert', 'cli'],
  writable: ['codec', 'seq', 'map', 'convert', 'cli'],
  codec: ['writable', 'seq', 'map', 'convert', 'cli'],
  seq: ['map', 'convert', 'cli'],
  map: ['convert', 'cli'],
  convert: ['cli'],
  cli: [],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'interop/fixtures/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: layers.flatMap((layer) =>
            forbidden[layer].map((from) => ({ target: `./src/${layer}`, from: `./src/${from}`, message: `src/${layer} sits below src/${from}` })),
          ),
        },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
