export type { UpdateInfo, UpdateOptions } from './types.js';
export { MIN_INTERVAL_MS, UPDATE_EVENT, UPDATE_KEY, watchUpdates } from './update.js';
