import { defineConfig } from 'vitest/config';

// Every test file runs in its own forked process, so each can bind its own chDB data folder.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts', 'web/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
