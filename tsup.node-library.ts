import { defineConfig, type Options } from 'tsup';

/**
 * The build of a Node library package of the workspace: ESM and CommonJS (a CommonJS vite.config or
 * Express server requires it), with types for both. Dependencies stay external (tsup's default).
 */
export function nodeLibrary(options: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    target: 'node20',
    platform: 'node',
    clean: true,
    ...options,
  });
}
