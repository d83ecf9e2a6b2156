import { nodeLibrary } from '../../tsup.node-library.ts';

// The uploader is an optional peer, loaded only when the upload option is set.
export default nodeLibrary({ external: ['vite', 'rollup', '@skewless/uploader'] });
