// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers of docs/ARCHITECTURE.md ("Layout and the direction of dependencies"). One block per folder; a later
// block's no-restricted-imports replaces an earlier one's for the same file, so each block lists all it forbids.
const ours = (folders) => `^(\\.\\./)+(${folders.join('|')})/`;
const NOT_CLI = { regex: ours(['cli']), message: 'nothing imports cli/' };
const layer = (files, ...patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [...patterns, NOT_CLI] }] },
});
const layers = [
  layer(['src/**/*.ts']),
  layer(['src/domain/**'], { regex: '^\\.\\./', message: 'domain/ imports nothing else of ours' }),
  layer(['src/security/**'], {
    regex: '^(?!node:crypto$|\\./|\\.\\./domain/)',
    message: 'security/ imports only node:crypto and domain/',
  }),
  layer(
    ['src/{store,channels,realtime,jobs,throttle,blobs,leases,routing,metrics,redis,wire,backup}/**'],
    { regex: ours(['app', 'http']), message: 'connectors, stores and seams never import app/ or http/ (app/ depends on them)' },
  ),
  layer(['src/app/**'], { regex: ours(['http']), message: 'app/ never imports http/ (http/ depends on app/)' }),
  {
    files: ['web/src/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)src/', message: 'web/ talks to the server over the API only (its types: web/src/api/schema.ts)' }] }],
    },
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  ...layers,
  {
    files: ['test/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
