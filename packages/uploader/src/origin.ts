// The '@skewless/uploader/origin' entry: a request handler that serves a build directory with the right headers.
export type { OriginHandler } from './origin/handler.js';
export { createOriginHandler } from './origin/handler.js';
export type { OriginOptions } from './origin/types.js';
