export { isChunkLoadError } from './chunk-error.js';
export { retryImports } from './retry.js';
export type { PreloadErrorEvent } from './types.js';
