import { defineConfig } from 'tsup';

// Dual ESM/CJS: the Vite plugin ships a CommonJS entry too, and it requires this package.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  target: 'node20',
  platform: 'node',
  clean: true,
});
