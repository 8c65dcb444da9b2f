import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Every test file runs in its own forked process, so each can bind its own chDB data folder.
export default defineConfig({
  // Compiles .svelte files for the web UI's component tests (rendered server-side with svelte/server).
  plugins: [svelte({ configFile: false })],
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts', 'web/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
