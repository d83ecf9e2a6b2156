import { defineConfig } from 'tsup';

// Dual ESM/CJS: an Express server written in CommonJS requires it.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  target: 'node20',
  platform: 'node',
  clean: true,
  external: ['@skewless/core'],
});
