import { defineProject } from 'vitest/config';
import { sourceAliases } from '../../vitest.aliases.ts';

export default defineProject({
  resolve: { alias: sourceAliases },
  test: {
    name: 'uploader',
    include: ['test/**/*.test.ts'],
    // Every upload reads its files: a digest cache in the user's home would make counts depend on the
    // machine and on timing. The digest-cache tests give the cache a folder of their own.
    env: { SKEWLESS_CACHE_DIR: 'off' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
