import type { Logger, Manifest } from '@skewless/uploader';
import { SkewlessError } from '@skewless/uploader';
import type { SkewlessUploadOptions } from './types.js';

type UploadFn = (
  options: SkewlessUploadOptions & { dir: string; manifest: Manifest; logger: Logger },
) => Promise<unknown>;

/**
 * Hand the written build to the engine's `upload()`. Loaded lazily so a build without `upload` never
 * loads the storage code (and the AWS SDK behind it).
 */
export async function runUpload(
  upload: SkewlessUploadOptions,
  dir: string,
  manifest: Manifest,
  logger: Logger,
): Promise<unknown> {
  const engine = (await import('@skewless/uploader')) as unknown as { upload?: UploadFn };
  if (typeof engine.upload !== 'function') {
    throw new SkewlessError(
      'UPLOAD_FAILED',
      `this version of @skewless/uploader has no upload(). Update @skewless/uploader, or remove the 'upload' option and run 'skewless upload ${dir} --to ${upload.to}' instead.`,
    );
  }
  return engine.upload({ ...upload, dir, manifest, logger });
}
