import { defineConfig } from 'vitest/config';

// Unit and integration tests of the three packages. The browser scenarios live in e2e/ (Playwright).
export default defineConfig({
  test: {
    projects: ['packages/*'],
  },
});
