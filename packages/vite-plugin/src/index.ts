export { skewless as default, skewless } from './plugin.js';
export type { SkewlessGuardOptions, SkewlessOptions, SkewlessUploadOptions } from './types.js';
export type { ResolvedOptions } from './validate-options.js';
export { validateOptions } from './validate-options.js';
