export { CDN_PROVIDERS, cdnConfig, cdnConfigNotes } from './cdn-config.js';
export type { CdnConfigOptions, CdnProvider } from './types.js';
