import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/core.ts', 'src/guard.ts'],
  format: ['esm'],
  dts: true,
  target: 'es2020',
  platform: 'browser',
  clean: true,
  splitting: true,
});
