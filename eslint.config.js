// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'module',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'tty',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

/** Import-boundary rules of DESIGN.md §3, as `no-restricted-imports` patterns. */
const forbid = (/** @type {string[]} */ groups, /** @type {string} */ message) => ({
  group: groups,
  message,
});
const noNode = forbid(['node:*', ...NODE_BUILTINS], 'Node built-ins are not available here (DESIGN §3).');
const noElectron = forbid(
  ['electron', 'electron/*'],
  'Electron may only be imported by desktop/main and desktop/preload.',
);
const noNativeOrServer = forbid(
  ['better-sqlite3', 'serialport', '@serialport/*', 'express', 'ws', 'pino'],
  'Native and server-side packages belong to sync-server or desktop/core.',
);
const noTestCode = forbid(
  ['**/test/**', '../test/*', '../../test/*'],
  'Production code never imports test/.',
);
const noTerminalCode = forbid(['**/desktop/**'], 'The server never imports terminal code.');

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/out/**', 'data/**', 'coverage/**', '.tmp/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // Typed getters like `get<T>(collection, id): T` are the point of a typed replica.
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    // Tests read untyped JSON answers and index fixtures they just built: `any` bodies and `!`
    // are the honest way to write that there; production code keeps the full rule set.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['eslint.config.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Tool config files must default-export their config.
    files: ['eslint.config.js', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noNode,
            noElectron,
            noNativeOrServer,
            noTestCode,
            forbid(
              ['**/sync-server/**', '**/desktop/**', 'react', 'react-dom', 'rxdb', 'rxdb/*'],
              'shared imports only shared and pure libraries.',
            ),
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'window', 'document', 'require'],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'shared takes `now` as an argument.' },
        { object: 'Math', property: 'random', message: 'shared takes randomness as an argument.' },
      ],
    },
  },
  {
    files: ['sync-server/**/*.ts'],
    ignores: ['sync-server/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [noElectron, noTestCode, noTerminalCode],
        },
      ],
    },
  },
  {
    // Services, sync and storage speak domain errors (shared/errors.ts); only the HTTP layer knows
    // about statuses, requests and routes.
    files: ['sync-server/src/services/**/*.ts', 'sync-server/src/sync/**/*.ts', 'sync-server/src/db/**/*.ts'],
    ignores: ['sync-server/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noElectron,
            noTestCode,
            noTerminalCode,
            forbid(
              ['**/http/**', '**/routes/**'],
              'Services, sync and storage do not import the HTTP layer: throw the factories of shared/errors.ts.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['desktop/core/**/*.ts'],
    ignores: ['desktop/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noElectron,
            noTestCode,
            forbid(
              [
                '**/sync-server/**',
                '**/renderer/**',
                '**/main/**',
                '**/preload/**',
                '**/host/**',
                '**/bridge/**',
              ],
              'The core is plain Node and imports only shared.',
            ),
          ],
        },
      ],
    },
  },
  {
    // What Electron main and the browser bridge share: transport-neutral, plain Node.
    files: ['desktop/host/**/*.ts'],
    ignores: ['desktop/host/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noElectron,
            noTestCode,
            forbid(
              [
                '**/sync-server/**',
                '**/renderer/**',
                '**/main/**',
                '**/preload/**',
                '**/bridge/**',
                '**/core/**',
              ],
              'desktop/host is transport-neutral: it imports only shared (main, bridge and core import it).',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['desktop/main/**/*.ts'],
    ignores: ['desktop/main/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noTestCode,
            forbid(
              ['**/bridge/**', '**/renderer/**', '**/sync-server/**'],
              'Electron main shares code with the bridge through desktop/host, never directly.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['desktop/bridge/**/*.ts'],
    ignores: ['desktop/bridge/**/*.test.ts', 'desktop/bridge/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noElectron,
            noTestCode,
            forbid(
              ['**/main/**', '**/renderer/**', '**/preload/**', '**/sync-server/**'],
              'The browser bridge shares code with Electron main through desktop/host, never directly.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['desktop/renderer/**/*.ts', 'desktop/renderer/**/*.tsx'],
    ignores: ['desktop/renderer/**/*.test.ts', 'desktop/renderer/**/*.test.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noNode,
            noElectron,
            noNativeOrServer,
            noTestCode,
            forbid(
              ['**/core/**', '**/main/**', '**/preload/**', '**/sync-server/**'],
              'The renderer reaches the OS only through the terminal API client.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['desktop/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noNode,
            noNativeOrServer,
            noTestCode,
            forbid(
              ['**/core/**', '**/main/**', '**/renderer/**', '**/sync-server/**'],
              'preload imports only electron and shared contracts.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['payment-sandbox/**/*.ts'],
    ignores: ['payment-sandbox/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noElectron,
            noTestCode,
            forbid(
              ['**/sync-server/**', '**/desktop/**'],
              'The payment sandbox stands in for the providers: it speaks the shared wire, imports only shared.',
            ),
          ],
        },
      ],
    },
  },
  prettier,
);
