import type { Logger, Manifest, UploadResult } from '@skewless/uploader';
import type { SkewlessUploadOptions } from './types.js';

/**
 * Hand the written build to the engine's `upload()`. Imported lazily so a build without `upload`
 * never loads the storage code (and the AWS SDK behind it).
 */
export async function runUpload(
  options: SkewlessUploadOptions,
  dir: string,
  manifest: Manifest,
  logger: Logger,
): Promise<UploadResult> {
  const { upload } = await import('@skewless/uploader');
  return upload({ ...options, dir, manifest, logger });
}
