// @skewless/uploader: the upload engine and the `skewless` CLI. The contract it shares with the plugin
// and the origin handler lives in @skewless/core; everything core exports is re-exported here, so code
// written against the single package of earlier releases keeps working.
export * from '@skewless/core';
export type { CdnConfigOptions, CdnProvider } from './cdn-config/index.js';
export { CDN_PROVIDERS, cdnConfig, cdnConfigNotes } from './cdn-config/index.js';
export type { CheckDeterminismOptions, DeterminismReport, DifferingRegion } from './determinism.js';
export { checkDeterminism, describeDeterminism, importProjectVite } from './determinism.js';
export type { DevS3Options, DevS3Server } from './dev-s3.js';
export { startDevS3 } from './dev-s3.js';
export type { DoctorResult, DoctorUpload } from './doctor.js';
export { doctor } from './doctor.js';
export type { ReleaseSummary, ReleasesResult, RollbackResult } from './releases/history.js';
export { releases, rollback } from './releases/history.js';
export type { PruneDecision } from './releases/prune.js';
export { prune } from './releases/prune.js';
export type { ReleaseRecord, ReleaseState } from './releases/store.js';
export { pack } from './tar/pack.js';
export type { UploadSession } from './upload/upload.js';
export { startUpload, upload } from './upload/upload.js';
