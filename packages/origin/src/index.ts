// @skewless/origin: serve a Skewless build from Node (node:http, Connect, Express) with the headers its
// manifest assigns. Depends on @skewless/core only: no AWS SDK, no CLI.
export type { OriginHandler } from './handler.js';
export { createOriginHandler } from './handler.js';
export type { OriginOptions } from './types.js';
