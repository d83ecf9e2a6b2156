import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/origin.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: { entry: ['src/index.ts', 'src/origin.ts'] },
  target: 'node20',
  platform: 'node',
  clean: true,
  splitting: true,
  sourcemap: false,
  // The AWS SDK stays external and is imported lazily by the s3 target only.
  external: [/^@aws-sdk\//],
});
