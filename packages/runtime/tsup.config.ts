import { defineConfig } from 'tsup';
// @ts-expect-error plain ESM helper shared with vitest.config.ts and scripts/size.mjs, typed by its JSDoc
import { bundleGuard } from './scripts/guard-bundle.mjs';

export default defineConfig(async () => ({
  entry: {
    index: 'src/index.ts',
    core: 'src/core.ts',
    guard: 'src/guard.ts',
    watch: 'src/watch-entry.ts',
    retry: 'src/retry-entry.ts',
    'reload-to': 'src/reload-to-entry.ts',
    'vue-router': 'src/vue-router-entry.ts',
    'react-router': 'src/react-router-entry.ts',
    update: 'src/update-entry.ts',
  },
  format: ['esm'],
  dts: true,
  target: 'es2020',
  platform: 'browser',
  clean: true,
  // One shared chunk, so '.' and './core' share install()'s state.
  splitting: true,
  define: {
    __SKEWLESS_GUARD__: JSON.stringify(await bundleGuard()),
    __SKEWLESS_FRAMEWORK_GUARD__: JSON.stringify(await bundleGuard({ framework: true })),
  },
}));
