// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'data/**', 'coverage/**', 'bin/**', '*.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // Only the config module reads the environment (tests and test support excepted below).
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through RadarConfig.' },
      ],
    },
  },
  {
    files: [
      'libs/config/**',
      'libs/testing/**',
      'libs/runtime/src/boot.ts',
      'apps/cli/src/main.ts',
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      'test/browser/**',
      'bench/**',
    ],
    rules: { 'no-restricted-properties': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
