// The '@skewless/uploader/origin' entry of earlier releases: the request handler now lives in
// @skewless/origin, which a server installs without the upload engine.
export type { OriginHandler, OriginOptions } from '@skewless/origin';
export { createOriginHandler } from '@skewless/origin';
