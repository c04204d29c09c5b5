// Lints every TypeScript part with the type-aware rules of typescript-eslint.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'runs/**', 'test-output/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    // The webviews see only src/shared without its Node-only host/ (webview/tsconfig.json
    // includes nothing else).
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'vscode',
            'node:*',
            '@tensorflow/*',
            '**/src/trainer/**',
            '**/src/extension/**',
            '**/src/shared/host/**',
          ],
        },
      ],
    },
  },
  {
    // src/shared is compiled into the webviews too: no Node there, and no reach into host/.
    files: ['src/shared/**/*.ts'],
    ignores: ['src/shared/host/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['vscode', 'node:*', '@tensorflow/*', '**/trainer/**', '**/extension/**', '**/host/**'] },
      ],
    },
  },
  {
    // src/shared/host: what the trainer and the extension share that needs Node (processes,
    // files); never vscode or TF.js.
    files: ['src/shared/host/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['vscode', '@tensorflow/*', '**/trainer/**', '**/extension/**'] }],
    },
  },
);
