import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the compose stack test needs Docker and minutes: its own step (vitest.stack.config.ts, npm run test:stack)
    exclude: [...configDefaults.exclude, 'test/stack/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
