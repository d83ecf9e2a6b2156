import type { UploadOptions } from '@skewless/core';
import { createFileTarget } from './file.js';
import { parseTarget } from './parse.js';
import type { Target } from './target.js';

/** The default size from which files go up as multipart uploads. */
export const DEFAULT_MULTIPART_THRESHOLD = 16 * 1024 * 1024;

/** Open the target named by `options.to`; the AWS SDK is loaded only for `s3://`. */
export async function openTarget(
  options: Pick<
    UploadOptions,
    | 'to'
    | 'endpoint'
    | 'region'
    | 'profile'
    | 'forcePathStyle'
    | 'credentials'
    | 'acl'
    | 'headers'
    | 'multipartThreshold'
    | 'logger'
    | 'requestTimeoutMs'
  >,
): Promise<Target> {
  const location = parseTarget(options.to);
  if (location.kind === 'file') return createFileTarget(location.dir, options.to);
  const { createS3Target } = await import('./s3.js');
  return createS3Target({
    bucket: location.bucket,
    prefix: location.prefix,
    endpoint: options.endpoint,
    region: options.region,
    profile: options.profile,
    forcePathStyle: options.forcePathStyle,
    credentials: options.credentials,
    acl: options.acl,
    headers: options.headers,
    multipartThreshold: options.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD,
    requestTimeoutMs: options.requestTimeoutMs,
    onConditionalUnsupported: () =>
      options.logger?.warn(
        `${options.to} does not support conditional writes (If-None-Match: *), so a concurrent writer cannot be detected; immutable names are still checked against the listing. Avoid two uploads to the same prefix at once.`,
      ),
  });
}
