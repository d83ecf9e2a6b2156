import { defineProject } from 'vitest/config';
import { sourceAliases } from '../../vitest.aliases.ts';

export default defineProject({
  resolve: { alias: sourceAliases },
  test: {
    name: 'vite-plugin',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
