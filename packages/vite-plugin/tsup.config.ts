import { nodeLibrary } from '../../tsup.node-library.ts';

// The uploader is an optional peer, loaded only when the upload option is set.
export default nodeLibrary({
  entry: ['src/index.ts', 'src/astro.ts'],
  external: ['vite', 'rollup', '@skewless/uploader'],
});
