import { defineProject } from 'vitest/config';
// @ts-expect-error plain ESM helper shared with tsup.config.ts, typed by its JSDoc
import { bundleGuard } from './scripts/guard-bundle.mjs';

export default defineProject(async () => ({
  define: {
    __SKEWLESS_GUARD__: JSON.stringify(await bundleGuard()),
    __SKEWLESS_FRAMEWORK_GUARD__: JSON.stringify(await bundleGuard({ framework: true })),
  },
  test: {
    name: 'runtime',
    include: ['test/**/*.test.ts'],
  },
}));
