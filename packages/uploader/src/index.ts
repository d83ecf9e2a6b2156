export type { CdnConfigOptions, CdnProvider } from './cdn-config/index.js';
export { CDN_PROVIDERS, cdnConfig, cdnConfigNotes } from './cdn-config/index.js';
export type { ClassifyInput, ClassifyOptions } from './classify.js';
export { cacheControlFor, classify } from './classify.js';
export {
  DEFAULT_CACHE_CONTROL,
  DEFAULT_HASH,
  ERROR_CACHE_CONTROL,
  MANIFEST_PATH,
  ONE_YEAR,
  RELEASE_FILE,
  RELEASE_META,
  RELEASE_PLACEHOLDER,
} from './constants.js';
export { contentTypeFor } from './content-type.js';
export type {
  CheckDeterminismOptions,
  DeterminismReport,
  DifferingRegion,
  ManifestDiff,
  ReleaseComparison,
} from './determinism.js';
export {
  checkDeterminism,
  compareWithPrevious,
  DETERMINISM_ENV,
  describeDeterminism,
  diffManifests,
  importProjectVite,
  loadManifest,
} from './determinism.js';
export type { DevS3Options, DevS3Server } from './dev-s3.js';
export { startDevS3 } from './dev-s3.js';
export type { SkewlessErrorCode } from './errors.js';
export { SkewlessError } from './errors.js';
export { hashSegmentSource, isHashedName } from './hashed-name.js';
export { htmlReferences } from './html-refs.js';
export type { Logger } from './logger.js';
export { createLogger, silentLogger } from './logger.js';
export type { CreateManifestOptions, FileFacts } from './manifest.js';
export {
  createManifest,
  parseManifest,
  readManifest,
  releaseId,
  serializeManifest,
  writeManifest,
} from './manifest.js';
export type { PrecompressedFile, PrecompressOptions } from './precompress.js';
export {
  isCompressible,
  isPrecompressedSibling,
  PRECOMPRESSED_SUFFIXES,
  precompress,
} from './precompress.js';
export { prune } from './prune.js';
export type * from './types.js';
export { upload } from './upload.js';
