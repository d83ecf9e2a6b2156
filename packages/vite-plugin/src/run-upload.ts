import {
  type BuildDigest,
  type HashFormat,
  type Logger,
  type Manifest,
  type ManifestFile,
  SkewlessError,
  type UploadOptions,
  type UploadResult,
} from '@skewless/core';
import type { ResolvedOptions } from './validate-options.js';

/** The part of @skewless/uploader's upload session the plugin uses. */
export interface UploadSession {
  send(files: readonly ManifestFile[], hash?: HashFormat): Promise<void>;
  finish(manifest?: Manifest, digests?: ReadonlyMap<string, BuildDigest>): Promise<UploadResult>;
  abort(): Promise<void>;
}

/** The part of @skewless/uploader the plugin uses. */
export interface Uploader {
  upload(options: UploadOptions): Promise<UploadResult>;
  startUpload(options: UploadOptions): UploadSession;
}

/**
 * Load the upload engine, an optional peer of the plugin: an app without `upload` never installs it (nor
 * the AWS SDK behind it). Called when the config resolves, so a missing engine fails before the build.
 */
export async function loadUploader(): Promise<Uploader> {
  // The AWS SDK's notice that its future releases want Node 22 is nobody's task during a build; the
  // `skewless` CLI silences it the same way. A user's own setting wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    return await import('@skewless/uploader');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing =
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      String((error as Error).message).includes('@skewless/uploader');
    if (!missing) throw error;
    throw new SkewlessError(
      'INVALID_OPTIONS',
      "the 'upload' option needs @skewless/uploader, which is not installed. Install it next to @skewless/vite: npm i -D @skewless/uploader (pnpm add -D @skewless/uploader, yarn add -D @skewless/uploader), or remove 'upload' and run 'skewless upload' after the build.",
      { cause: error },
    );
  }
}

/**
 * The upload step of the build's last hook: the early session finishes, or a whole upload runs, with the
 * manifest and what the manifest step read of each file, so the upload does not read the build again.
 */
export function uploadStep(
  uploader: Uploader,
  early: UploadSession | undefined,
  options: Omit<UploadOptions, 'manifest' | 'digests' | 'logger'> & { dir: string; logger: Logger },
): (manifest: Manifest, digests: ReadonlyMap<string, BuildDigest>) => Promise<UploadResult> {
  return (manifest, digests) =>
    early ? early.finish(manifest, digests) : uploader.upload({ ...options, manifest, digests });
}

/**
 * The steps of the build's end that follow from the plugin's options alone, the same for a plain build
 * and a framework's deployed folder: release file, previous-release check, precompression, the upload
 * (finishing the early session when there is one) and its error policy.
 */
export function finishingSteps(
  options: ResolvedOptions,
  uploader: Uploader | undefined,
  early: UploadSession | undefined,
  dir: string,
  logger: Logger,
) {
  const upload = options.upload;
  const { early: _, ...rest } = upload ?? { to: '' };
  return {
    releaseFile: options.releaseFile,
    previousManifest: options.previousManifest,
    precompress: options.precompress,
    onUploadError: options.onUploadError,
    logger,
    upload:
      upload && uploader
        ? { to: upload.to, run: uploadStep(uploader, early, { ...rest, dir, logger }) }
        : undefined,
  };
}
