// @skewless/core: the contract every Skewless package shares. No AWS SDK, no CLI.
export type { ClassifyInput, ClassifyOptions } from './classify.js';
export {
  cacheControlFor,
  classify,
  FRAMEWORK_IMMUTABLE_FOLDERS,
  inFrameworkImmutableFolder,
} from './classify.js';
export {
  DEFAULT_CACHE_CONTROL,
  DEFAULT_HASH,
  DETERMINISM_ENV,
  ERROR_CACHE_CONTROL,
  MANIFEST_PATH,
  ONE_YEAR,
  RELEASE_FILE,
  RELEASE_META,
  RELEASE_PLACEHOLDER,
} from './constants.js';
export { contentTypeFor } from './content-type.js';
export { isControlFile } from './control-file.js';
export { closestName, unknownOptionProblem } from './did-you-mean.js';
export type { SkewlessErrorCode } from './errors.js';
export { SkewlessError, unreadableFile } from './errors.js';
export type { FinalizeBuildOptions } from './finalize.js';
export { finalizeBuild, unmatchedUnhashedMessage } from './finalize.js';
export type { FileDigest } from './hash-file.js';
export {
  digestFile,
  digestForBuild,
  STREAM_CHUNK,
  sha256File,
  standingOf,
  WHOLE_FILE_LIMIT,
} from './hash-file.js';
export {
  BUNDLER_HASHES,
  detectHashFormat,
  hashSegmentSource,
  isHashedName,
  withoutHash,
} from './hashed-name.js';
export { htmlReferences } from './html-refs.js';
export type { Logger } from './logger.js';
export { createLogger, silentLogger } from './logger.js';
export type { CreateManifestOptions, FileFacts } from './manifest.js';
export {
  createManifest,
  describeFile,
  parseManifest,
  readManifest,
  releaseFileOf,
  releaseFileProblem,
  serializeManifest,
  writeManifest,
} from './manifest.js';
export type { ManifestDiff, ReleaseComparison } from './manifest-diff.js';
export { compareWithPrevious, diffManifests, loadManifest } from './manifest-diff.js';
export { checkManifestNames } from './manifest-names.js';
export type { EngineOptionKey, OptionProblemsSettings } from './options.js';
export { assertOptions, HASH_LENGTH, hashFormatProblem, optionProblems, shown } from './options.js';
export { createLimiter, mapLimit } from './pool.js';
export { precachePath, precacheUrls } from './precache.js';
export type { PrecompressedFile, PrecompressOptions } from './precompress.js';
export {
  decodesTo,
  isCompressible,
  isPrecompressedSibling,
  PRECOMPRESSED_SUFFIXES,
  precompress,
  precompressedSiblings,
} from './precompress.js';
export type { PurgeTarget } from './purge-spec.js';
export { PURGE_SYNTAX, parsePurgeTarget } from './purge-spec.js';
export type { BundleReleaseOptions, ReleaseInput } from './release.js';
export { bundleRelease, releaseId } from './release.js';
export type * from './types.js';
export { compareBytes, symlinksIn, walkFiles } from './walk.js';
