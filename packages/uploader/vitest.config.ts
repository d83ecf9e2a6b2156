import { defineProject } from 'vitest/config';
import { sourceAliases } from '../../vitest.aliases.ts';

export default defineProject({
  resolve: { alias: sourceAliases },
  test: {
    name: 'uploader',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
