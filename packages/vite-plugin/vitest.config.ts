import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // Test against the engine's source, not whatever dist/ was last built (a stale build hides changes).
    alias: { '@skewless/uploader': fileURLToPath(new URL('../uploader/src/index.ts', import.meta.url)) },
  },
  test: {
    name: 'vite-plugin',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
