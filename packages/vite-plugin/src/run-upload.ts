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
  // The AWS SDK's notice that its future releases want Node 22 is nobody's task during a build; the
  // `skewless` CLI silences it the same way. A user's own setting wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { upload } = await import('@skewless/uploader');
  return upload({ ...options, dir, manifest, logger });
}
