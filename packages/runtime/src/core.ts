export { RELEASE_FILE, RELEASE_META, RELOAD_EVENT, STORAGE_PREFIX, WINDOW_MS } from './constants.js';
export { install } from './install.js';
export type { InstallOptions, SkewAction, SkewInfo, SkewReason } from './types.js';
