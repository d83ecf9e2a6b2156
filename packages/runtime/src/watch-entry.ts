export type { WatchOptions } from './types.js';
export { watchRelease } from './watch.js';
