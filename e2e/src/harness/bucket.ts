import type { DevS3Server, TargetOptions, UploadResult } from '@skewless/uploader';
import type { Stack } from './stack.js';

/** The asset bucket of a scenario: a local S3 server (s3rver) on loopback. */
export interface Bucket {
  server: DevS3Server;
  /** What nginx needs to route to it. */
  route: { port: number; name: string };
  /**
   * Publish a build with Skewless's engine, the same `upload()` the Vite plugin calls: assets, verify,
   * then (with `html`) the documents. `endpoint` overrides the S3 endpoint (a recording proxy); `label`
   * names the release in its record.
   */
  publish(
    dir: string,
    options?: { html?: boolean; endpoint?: string; label?: string },
  ): Promise<UploadResult>;
  /** `to` and the connection options for the engine's `prune`, `releases` and `rollback` on this bucket. */
  target: TargetOptions & { to: string };
  /**
   * The environment that makes the playground's `vite build` upload to this bucket through
   * @skewless/vite's `upload` option (credentials through the standard AWS variables, as in CI).
   */
  buildEnv(): Record<string, string>;
}

/** Start the bucket; the stack stops it. The engine is loaded only for scenarios that use a bucket. */
export async function startBucket(stack: Stack): Promise<Bucket> {
  const { startDevS3, upload } = await import('@skewless/uploader');
  const server = stack.use(await startDevS3(), (s) => s.close());
  const target = {
    to: `s3://${server.bucket}/`,
    endpoint: server.endpoint,
    forcePathStyle: true,
    region: server.region,
    // s3rver's fixed development keys, not secrets.
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  };
  return {
    server,
    target,
    buildEnv: () => ({
      SKEWLESS_UPLOAD_TO: `s3://${server.bucket}/`,
      SKEWLESS_S3_ENDPOINT: server.endpoint,
      AWS_ACCESS_KEY_ID: server.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
      AWS_REGION: server.region,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    }),
    route: { port: Number(new URL(server.endpoint).port), name: server.bucket },
    publish: (dir, options = {}) =>
      upload({
        ...target,
        dir,
        html: options.html ?? false,
        endpoint: options.endpoint ?? server.endpoint,
        ...(options.label ? { label: options.label } : {}),
      }),
  };
}
