import { createRequire } from 'node:module';
import type { TargetOptions } from '@skewless/core';
import { SkewlessError } from '@skewless/core';
import { batches, shellQuote } from './http.js';

type CloudFrontSdk = typeof import('@aws-sdk/client-cloudfront');

/**
 * `@aws-sdk/client-cloudfront` is an optional peer dependency: only a CloudFront purge needs it, so an
 * app that never asks for one does not install it. Checked before anything is uploaded.
 */
export function assertCloudFrontSdk(): void {
  try {
    createRequire(import.meta.url).resolve('@aws-sdk/client-cloudfront');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new SkewlessError(
      'INVALID_OPTIONS',
      "a CloudFront purge needs the '@aws-sdk/client-cloudfront' package, an optional peer dependency of @skewless/uploader that is not installed. Install it next to @skewless/uploader: npm i -D @aws-sdk/client-cloudfront (pnpm add -D @aws-sdk/client-cloudfront), then run again. Nothing was written.",
      { cause: error },
    );
  }
}

/**
 * Paths per invalidation: CloudFront allows 3,000 file paths in progress per distribution, in one
 * request or many. A prune that deleted more needs a second request while the first is still running,
 * which CloudFront refuses (TooManyInvalidationsInProgress): that purge is reported failed, with the
 * command to run once the first one is done.
 */
export const CLOUDFRONT_PATHS_PER_REQUEST = 3000;

/** A CloudFront client that sends one invalidation per call, its retries left to ours (retry.ts). */
export async function cloudFrontInvalidator(options: TargetOptions, timeoutMs: number) {
  const sdk: CloudFrontSdk = await import('@aws-sdk/client-cloudfront');
  const client = new sdk.CloudFrontClient({
    // CloudFront's API has one endpoint, in us-east-1; tests point it at a local server.
    region: 'us-east-1',
    endpoint: cloudFrontEndpoint(),
    profile: options.profile,
    credentials: options.credentials && { ...options.credentials },
    maxAttempts: 1,
    // As in targets/s3.ts: without throwOnRequestTimeout a silent socket hangs the request forever.
    requestHandler: {
      connectionTimeout: Math.min(10_000, timeoutMs),
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
    },
  });
  return {
    /** Invalidate `paths`; the caller reference is the same on every attempt, so a retry of a request
     * that did arrive makes no second invalidation. */
    invalidate: async (distributionId: string, paths: string[], callerReference: string) => {
      const out = await client.send(
        new sdk.CreateInvalidationCommand({
          DistributionId: distributionId,
          InvalidationBatch: {
            CallerReference: callerReference,
            Paths: { Quantity: paths.length, Items: paths },
          },
        }),
      );
      return out.Invalidation?.Id;
    },
    close: () => client.destroy(),
  };
}

/**
 * `SKEWLESS_CLOUDFRONT_API` when set (a test server), else the SDK's own choice, except that a global
 * `AWS_ENDPOINT_URL` (set for an S3-compatible server such as R2 or dev-s3, which `--endpoint` defaults to)
 * must not send the invalidation there: the SDK applies it to every service.
 */
export function cloudFrontEndpoint(): string | undefined {
  const env = process.env;
  if (env.SKEWLESS_CLOUDFRONT_API) return env.SKEWLESS_CLOUDFRONT_API;
  if (env.AWS_ENDPOINT_URL_CLOUDFRONT) return env.AWS_ENDPOINT_URL_CLOUDFRONT;
  return env.AWS_ENDPOINT_URL ? 'https://cloudfront.amazonaws.com' : undefined;
}

/**
 * The same invalidation with the AWS CLI, a command per batch (run each once the one before is done,
 * when there are several).
 */
export function cloudFrontManual(distributionId: string, paths: readonly string[]): string {
  return batches(paths, CLOUDFRONT_PATHS_PER_REQUEST)
    .map(
      (batch) =>
        `aws cloudfront create-invalidation --distribution-id ${shellQuote(distributionId)} --paths ${batch.map(shellQuote).join(' ')}`,
    )
    .join(' && ');
}
