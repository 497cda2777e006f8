// The compose stack test (test/stack/): Docker images, a whole stack started and removed; `npm run test:stack`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/stack/**/*.test.ts'],
    testTimeout: 120_000,
    // a cold run debootstraps Debian and builds every image
    hookTimeout: 30 * 60_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
