// The only module that loads the AWS SDK, and only when an s3:// upload starts (see ARCHITECTURE.md).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { S3Client } from '@aws-sdk/client-s3';
import type { UploadCredentials } from '@skewless/core';
import { createLimiter, SkewlessError } from '@skewless/core';
import { MULTIPART_ETAG, multipartEtagOfParts, partSizeFor } from '../upload/multipart-etag.js';
import { MD5_ETAG } from '../upload/plan.js';
import { withDeadline } from './deadline.js';
import { type KeyRange, listingRanges, PAGE_KEYS, placeOf } from './listing-ranges.js';
import { joinKey } from './parse.js';
import { isRetryable, retryAfterMs } from './retry.js';
import { type DirectPutOutput, DirectPuts } from './s3-direct.js';
import { useFastListing } from './s3-listing.js';
import { PartBuffers, PartsUpload } from './s3-parts.js';
import {
  DELETE_BATCH,
  type IncompleteUpload,
  type PutOutcome,
  type PutRequest,
  type RemoteHead,
  type RemoteObject,
  type Target,
} from './target.js';

/** How to reach an S3-compatible bucket. */
export interface S3TargetOptions {
  bucket: string;
  prefix: string;
  endpoint?: string;
  region?: string;
  /** The AWS profile for credentials and region, instead of `AWS_PROFILE`. */
  profile?: string;
  forcePathStyle?: boolean;
  credentials?: UploadCredentials;
  acl?: 'public-read';
  headers?: Record<string, string>;
  multipartThreshold: number;
  /** Deadline of one request, from connecting to the last byte of its answer. @default 60000 */
  requestTimeoutMs?: number;
  /**
   * Keys asked for per listing page (MaxKeys), which also sizes the ranges a large prefix is listed in.
   * For tests, which need many pages without thousands of objects. @default 1000 (S3's most)
   */
  listPageKeys?: number;
  /** Told once when the server rejects `If-None-Match` writes and they are turned off. */
  onConditionalUnsupported?: () => void;
}

/**
 * Part buffers per target ({@link PartBuffers}): 8 × 8 MiB = 64 MiB however many large files go up at
 * once (parts grow past 8 MiB only for files above ~70 GiB). Eight parts in flight fill a link, and a
 * large file alone may have all eight in flight.
 */
const PART_BUFFERS = 8;
/**
 * Multipart uploads in flight at once, per target; the other workers go on with the small files. They
 * share the part buffers, so more would mostly wait (and leave more open uploads to abort on an
 * interrupt). With the 1 GB bench set against the sink, 2 at once sharing 8 buffers took 3.1 s where 4
 * took 3.5-3.7 s, 8 took 3.8-5.2 s, and 2 with 4 buffers each (the split before) 4.0 s or more.
 */
const MULTIPART_AT_ONCE = 2;
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** Attempts per multipart part before the whole file fails (and withRetry sends it again). */
const PART_ATTEMPTS = 4;

const CREDENTIAL_HELP =
  "no AWS credentials found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys), or name a profile in ~/.aws/config with AWS_PROFILE (the 'profile' upload option, --profile in the CLI), then run again.";

/** Environment fallbacks the SDK's own chain does not cover for every version. */
function endpointFromEnv(): string | undefined {
  return process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined;
}

export async function createS3Target(options: S3TargetOptions): Promise<Target> {
  const sdk = await import('@aws-sdk/client-s3');
  const endpoint = options.endpoint ?? endpointFromEnv();
  const timeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // An S3-compatible server rarely cares about the region, but it must be the one the user configured
  // when there is one: the signature names it. us-east-1 only when nothing else says.
  const region =
    options.region ??
    (await regionFromChain(sdk, options.profile)) ??
    (process.env.AWS_DEFAULT_REGION || (endpoint ? 'us-east-1' : undefined));
  const client: S3Client = new sdk.S3Client({
    endpoint,
    region,
    profile: options.profile,
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
    // A copy: the SDK marks the object it is given (adds `$source`), and the caller's is theirs. The
    // plugin validates the same object again on the next build (watch mode) and would refuse the key.
    credentials: options.credentials && { ...options.credentials },
    followRegionRedirects: true,
    // Without a logger of its own the SDK writes some warnings straight to the console ("An error was
    // encountered in a non-retryable streaming request." on a failed file body): our retries handle that
    // failure and our messages name it, so the SDK says nothing.
    logger: SILENT_SDK_LOGGER,
    // Retries are ours (retry.ts), so a body is re-opened from its file on every attempt.
    maxAttempts: 1,
    // The SDK waits forever on a silent socket by default, and @smithy/node-http-handler 4.x only logs
    // a warning when requestTimeout passes unless throwOnRequestTimeout is set (TOOLCHAIN.md): with it a
    // stalled request becomes a TimeoutError, which retry.ts retries.
    requestHandler: {
      connectionTimeout: Math.min(10_000, timeout),
      requestTimeout: timeout,
      throwOnRequestTimeout: true,
    },
    // TOOLCHAIN.md: the SDK's default flexible checksums send stream bodies aws-chunked, which R2, older
    // MinIO and s3rver store with the framing in the object.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  // Every request the client sends (the parts and the paginator's pages included) goes through
  // this one handler: the deadline there covers the answer's body too, which requestTimeout does not.
  const http = client.config.requestHandler as unknown as { handle: Parameters<typeof withDeadline>[0] };
  http.handle = withDeadline(http.handle.bind(http), timeout);
  useFastListing(client);
  // The SDK logs nothing of ours (SILENT_SDK_LOGGER), yet its logger middleware copies every request's
  // input and output through the schema's sensitive-data filter first: 2-3 % of a 2,000-file upload's
  // CPU in a profile. Without it nothing changes but that work.
  client.middlewareStack.remove('loggerMiddleware');
  /** Upload ids that `abortUpload` aborts: their failures are the command's, not swallowed below. */
  const explicitAborts = new Set<string>();
  // The SigV4 signature can cover a SHA-256 of the body, which costs a full extra hash of every byte
  // sent (a third of the CPU of a 1 GB upload, by a CPU profile). Where the transport already keeps
  // the bytes from being changed on the way (TLS, or loopback), the body is sent as UNSIGNED-PAYLOAD:
  // the headers stay signed, and the Content-MD5 each body carries has the server check what it got.
  const unsignedBodies = protectedTransport(endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context as { commandName?: string }).commandName;
      const input = args.input as { Body?: unknown; ContentMD5?: string };
      const request = args.request as { headers?: Record<string, string> };
      if (
        name === 'AbortMultipartUploadCommand' &&
        !explicitAborts.has((input as { UploadId?: string }).UploadId ?? '')
      ) {
        // Cleanup after a failed part: its own failure (s3rver answers 405, TOOLCHAIN.md) must not
        // replace the error that made the upload abort. A part left behind costs until a lifecycle rule.
        return next(args).catch(() => ({ output: { $metadata: {} }, response: {} }) as never);
      }
      if (name === 'DeleteObjectsCommand' && request.headers) {
        // MinIO and R2 (and AWS before flexible checksums) require Content-MD5 on a multi-object delete;
        // with checksums set to WHEN_REQUIRED the SDK may send only a CRC, so add it.
        const xml = (args.request as { body?: unknown }).body;
        if (typeof xml === 'string' && !request.headers['content-md5'])
          request.headers['content-md5'] = createHash('md5').update(xml).digest('base64');
        return next(args);
      }
      if (name === 'PutObjectCommand' && request.headers?.['content-md5'] && unsignedBodies)
        request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      if (name !== 'UploadPartCommand' || !request.headers) return next(args);
      // Every part carries its Content-MD5 (s3-parts.ts), so the server refuses one damaged on the way.
      if (request.headers['content-md5'] && unsignedBodies)
        request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      // The part's bytes are a buffer in memory, so a failed PART is sent again, not the whole file.
      for (let attempt = 1; ; attempt++) {
        try {
          return await next(args);
        } catch (error) {
          if (attempt >= PART_ATTEMPTS || !isRetryable(error)) throw error;
          const delay = Math.max(retryAfterMs(error) ?? 0, Math.random() * 100 * 2 ** attempt);
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    },
    { step: 'build', name: 'skewlessParts' },
  );
  const extra = Object.entries(options.headers ?? {});
  if (extra.length > 0) {
    // Headers set before signing, on the requests that create objects, whatever their names.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = (context as { commandName?: string }).commandName;
        const request = args.request as { headers?: Record<string, string> };
        if ((name === 'PutObjectCommand' || name === 'CreateMultipartUploadCommand') && request.headers) {
          for (const [k, v] of extra) request.headers[k.toLowerCase()] = v;
        }
        return next(args);
      },
      { step: 'build', name: 'skewlessExtraHeaders' },
    );
  }

  // Small bodies in memory skip the SDK's middleware stack once it showed the route (s3-direct.ts).
  const direct = new DirectPuts(client, http.handle);
  /** The object's headers of a PutObject, as the SDK serializes `params` and the middlewares above. */
  const objectHeaders = (request: PutRequest, conditional: boolean): Record<string, string> => {
    const headers: Record<string, string> = {
      'content-type': request.contentType,
      'cache-control': request.cacheControl,
      'content-length': String(request.bytes),
      'x-amz-meta-sha256': request.sha256,
    };
    if (request.release !== undefined) headers['x-amz-meta-release'] = request.release;
    if (request.md5) headers['content-md5'] = Buffer.from(request.md5, 'hex').toString('base64');
    if (options.acl) headers['x-amz-acl'] = options.acl;
    if (conditional) headers['if-none-match'] = '*';
    for (const [k, v] of extra) headers[k.toLowerCase()] = v;
    if (request.md5 && unsignedBodies) headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    return headers;
  };

  const multipart = createLimiter(MULTIPART_AT_ONCE);
  const buffers = new PartBuffers(partSizeFor(0), PART_BUFFERS);
  /** The multipart uploads running now, with the manifest path each writes. */
  const inFlight = new Set<{ upload: PartsUpload; path: string }>();
  /** Set once the command was interrupted: no new multipart upload starts. */
  let interrupted = false;
  let conditionalWrites = true;
  let conditionalDeletes = true;
  const where = `s3://${options.bucket}${options.prefix ? `/${options.prefix}` : ''}`;
  const shownEndpoint = withoutUserInfo(endpoint);
  const key = (path: string) => joinKey(options.prefix, path);
  /** Throws the failure of `operation` (for messages: "writing <key>") as the user should read it. */
  const fail =
    (operation: string) =>
    (error: unknown): never => {
      throw translate(error, where, shownEndpoint, { operation, timeout });
    };

  const target: Target = {
    url: where,
    key,

    // Sent in parts: PartsUpload checks the bytes before CompleteMultipartUpload makes them visible.
    checksWhileSending: (bytes) => bytes >= options.multipartThreshold,

    async list(expected) {
      const strip = options.prefix ? options.prefix.length + 1 : 0;
      const pageKeys = options.listPageKeys ?? PAGE_KEYS;
      const ranges = listingRanges((expected ?? []).map(key), pageKeys);
      const listRange = async (range: KeyRange) => {
        const objects: RemoteObject[] = [];
        const pages = sdk.paginateListObjectsV2(
          { client },
          {
            Bucket: options.bucket,
            Prefix: options.prefix ? `${options.prefix}/` : undefined,
            StartAfter: range.after,
            ...(pageKeys === PAGE_KEYS ? {} : { MaxKeys: pageKeys }),
          },
        );
        for await (const page of pages) {
          let past = false;
          for (const object of page.Contents ?? []) {
            if (!object.Key) continue;
            const place = placeOf(object.Key, range);
            if (place === 'past') past = true;
            if (place !== 'in') continue;
            objects.push({
              path: object.Key.slice(strip),
              size: object.Size ?? 0,
              etag: unquote(object.ETag),
              modified: object.LastModified?.getTime(),
            });
          }
          // The next range lists the rest.
          if (past) break;
        }
        return objects;
      };
      const found = new Map<string, RemoteObject>();
      try {
        // In key order, whichever range answered first, as one pass over the prefix would give them.
        for (const objects of await Promise.all(ranges.map(listRange)))
          for (const object of objects) found.set(object.path, object);
      } catch (error) {
        fail('listing')(error);
      }
      return found;
    },

    async head(path): Promise<RemoteHead | undefined> {
      try {
        const head = await client.send(new sdk.HeadObjectCommand({ Bucket: options.bucket, Key: key(path) }));
        const uploaded = Number(head.Metadata?.uploaded);
        const etag = unquote(head.ETag);
        return {
          size: head.ContentLength ?? 0,
          etag,
          sha256: head.Metadata?.sha256,
          etagIsMd5: etag !== undefined && MD5_ETAG.test(etag) && !encryptedByKey(head),
          uploaded: Number.isFinite(uploaded) ? uploaded : head.LastModified?.getTime(),
          modified: head.LastModified?.getTime(),
        };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        return fail(`reading ${key(path)}`)(error);
      }
    },

    async put(request: PutRequest): Promise<PutOutcome> {
      const conditional = request.ifNoneMatch && conditionalWrites;
      const params = {
        Bucket: options.bucket,
        Key: key(request.path),
        ContentType: request.contentType,
        CacheControl: request.cacheControl,
        Metadata: { sha256: request.sha256, release: request.release },
        ...(options.acl ? { ACL: options.acl } : {}),
        ...(conditional ? { IfNoneMatch: '*' } : {}),
      };
      try {
        // Bytes already in memory (small files, the publish lock) go in one PutObject whatever the
        // threshold: the part sender reads from the file, and a lock has none.
        if (request.bytes >= options.multipartThreshold && !request.body) {
          await multipart(async () => {
            if (interrupted)
              throw new SkewlessError('UPLOAD_FAILED', `interrupted before writing ${key(request.path)}.`);
            // Read once: the parts are hashed as they are read to send, and the upload is completed only
            // if they are the manifest's bytes, so its sha256 metadata describes what is stored.
            const upload = new PartsUpload({
              sdk,
              client,
              params,
              file: request.file,
              bytes: request.bytes,
              sha256: request.sha256,
              partSize: partSizeFor(request.bytes),
              buffers,
              onBytes: (sent) => request.onBytes?.(Math.min(sent, request.bytes)),
            });
            const running = { upload, path: request.path };
            inFlight.add(running);
            const done = await upload.done().finally(() => inFlight.delete(running));
            const expected = multipartEtagOfParts(done.partMd5s);
            const etag = unquote(done.ETag);
            if (etag && MULTIPART_ETAG.test(etag) && etag !== expected) {
              // The key now holds our damaged parts: the next attempt must replace it, not find it taken.
              request.ifNoneMatch = false;
              throw damaged(request.path, etag, expected);
            }
            if (etag === expected) request.sentMultipartEtag = expected;
          });
        } else {
          const input = {
            ...params,
            // The hashed bytes when the engine kept them (small files), so the stored sha256 is theirs.
            Body: request.body ?? createReadStream(request.file),
            ContentLength: request.bytes,
            ...(request.md5 ? { ContentMD5: Buffer.from(request.md5, 'hex').toString('base64') } : {}),
          };
          const viaSdk = () => client.send(new sdk.PutObjectCommand(input));
          const body = request.body;
          let put: DirectPutOutput;
          if (!body) put = await viaSdk();
          else if (!direct.ready)
            put = await direct.learnFrom(params.Key, objectHeaders(request, conditional), viaSdk);
          else {
            try {
              put = await direct.put(params.Key, objectHeaders(request, conditional), body);
            } catch (error) {
              // An unusual answer (a redirect, a skewed clock) turned the direct route off: the SDK, with
              // all its handling of such answers, sends this write again at once.
              if (direct.ready) throw error;
              put = await viaSdk();
            }
          }
          // What the server reports, not what we sent: a server that ignores Content-MD5 (s3rver,
          // TOOLCHAIN.md) stores damaged bytes, and its ETag, the MD5 of what it holds, tells.
          const etag = unquote(put.ETag);
          if (request.md5 && etag && MD5_ETAG.test(etag) && !encryptedByKey(put) && etag !== request.md5) {
            // The key now holds our damaged write: the next attempt must replace it, not find it taken.
            request.ifNoneMatch = false;
            throw damaged(request.path, etag, request.md5);
          }
        }
        return 'written';
      } catch (error) {
        if (statusOf(error) === 412) return 'exists';
        if (conditional && isNotImplemented(error)) {
          // Some S3-compatible servers reject conditional writes (501). The listing already showed the
          // key free; go on without the header for the rest of this upload.
          // Several writes in flight learn it at once: the user is told once.
          if (conditionalWrites) {
            conditionalWrites = false;
            options.onConditionalUnsupported?.();
          }
          return target.put(request);
        }
        // S3 answers 409 ConditionalRequestConflict to a conditional write that overlaps another one to
        // the same key: nothing was written, and the other write decides the key. Try again: the retry
        // gets 412 once the other write landed, and its bytes are compared like any writer's.
        if (statusOf(error) === 409) {
          Object.assign(error as object, { retryable: true });
          request.refused = (request.refused ?? 0) + 1;
        }
        return fail(`writing ${key(request.path)}`)(error);
      }
    },

    async putText(path, body, contentType, cacheControl) {
      await client
        .send(
          new sdk.PutObjectCommand({
            Bucket: options.bucket,
            Key: key(path),
            Body: body,
            ContentMD5: createHash('md5').update(body).digest('base64'),
            ContentType: contentType,
            CacheControl: cacheControl,
            Metadata: { uploaded: String(Date.now()) },
          }),
        )
        .catch(fail(`writing ${key(path)}`));
    },

    async readText(path) {
      try {
        const got = await client.send(new sdk.GetObjectCommand({ Bucket: options.bucket, Key: key(path) }));
        return (await got.Body?.transformToString('utf8')) ?? '';
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        return fail(`reading ${key(path)}`)(error);
      }
    },

    async remove(path) {
      await client
        .send(new sdk.DeleteObjectCommand({ Bucket: options.bucket, Key: key(path) }))
        .catch(fail(`deleting ${key(path)}`));
    },

    async removeMany(objects) {
      const kept: string[] = [];
      for (let i = 0; i < objects.length; i += DELETE_BATCH) {
        const batch = objects.slice(i, i + DELETE_BATCH);
        const send = (withEtags: boolean) =>
          client.send(
            new sdk.DeleteObjectsCommand({
              Bucket: options.bucket,
              Delete: {
                Quiet: true,
                Objects: batch.map((o) => ({
                  Key: key(o.path),
                  ...(withEtags && o.etag ? { ETag: `"${o.etag}"` } : {}),
                })),
              },
            }),
          );
        let out: Awaited<ReturnType<typeof send>>;
        try {
          out = await send(conditionalDeletes);
        } catch (error) {
          if (!conditionalDeletes || !isNotImplemented(error))
            return fail(`deleting ${batch.length} object(s)`)(error);
          // A server that refuses the ETag condition: delete by key, as before conditional deletes.
          conditionalDeletes = false;
          out = await send(false).catch(fail(`deleting ${batch.length} object(s)`));
        }
        // A condition that no longer holds means the object was written again since the listing: kept.
        const pathOf = new Map(batch.map((o) => [key(o.path), o.path]));
        for (const e of out.Errors ?? [])
          if (e.Code === 'PreconditionFailed' && e.Key && pathOf.has(e.Key)) kept.push(pathOf.get(e.Key)!);
        const failed = (out.Errors ?? []).filter(
          (e) => e.Code !== 'PreconditionFailed' && e.Code !== 'NoSuchKey',
        );
        if (failed.length > 0) {
          throw new SkewlessError(
            'UPLOAD_FAILED',
            `deleting from ${where} failed for ${failed.length} key(s): ${failed
              .slice(0, 5)
              .map((e) => `${e.Key} (${e.Code})`)
              .join(', ')}. Nothing else was changed; run prune again.`,
          );
        }
      }
      return kept;
    },

    async incompleteUploads() {
      const found: IncompleteUpload[] = [];
      const strip = options.prefix ? options.prefix.length + 1 : 0;
      let keyMarker: string | undefined;
      let uploadIdMarker: string | undefined;
      try {
        for (;;) {
          const page = await client.send(
            new sdk.ListMultipartUploadsCommand({
              Bucket: options.bucket,
              Prefix: options.prefix ? `${options.prefix}/` : undefined,
              KeyMarker: keyMarker,
              UploadIdMarker: uploadIdMarker,
            }),
          );
          for (const u of page.Uploads ?? []) {
            if (!u.Key || !u.UploadId) continue;
            found.push({ path: u.Key.slice(strip), uploadId: u.UploadId, initiated: u.Initiated?.getTime() });
          }
          if (!page.IsTruncated || (!page.NextKeyMarker && !page.NextUploadIdMarker)) break;
          keyMarker = page.NextKeyMarker;
          uploadIdMarker = page.NextUploadIdMarker;
        }
      } catch (error) {
        if (statusOf(error) === 405 || isNotImplemented(error)) {
          throw new SkewlessError(
            'UNREACHABLE',
            `${where} does not list multipart uploads (ListMultipartUploads answered ${statusOf(error) ?? (error as Error).name}). Use the storage's own console or a lifecycle rule (AbortIncompleteMultipartUpload) to clean them up.`,
            { cause: error },
          );
        }
        fail('listing multipart uploads')(error);
      }
      return found;
    },

    async abortUpload(upload) {
      explicitAborts.add(upload.uploadId);
      try {
        await client.send(
          new sdk.AbortMultipartUploadCommand({
            Bucket: options.bucket,
            Key: key(upload.path),
            UploadId: upload.uploadId,
          }),
        );
      } catch (error) {
        if (statusOf(error) === 404 || (error as Error).name === 'NoSuchUpload') return;
        fail(`aborting the multipart upload of ${key(upload.path)}`)(error);
      } finally {
        explicitAborts.delete(upload.uploadId);
      }
    },

    async abortInFlight() {
      interrupted = true;
      const running = [...inFlight];
      let aborted = 0;
      await Promise.all(
        running.map(async ({ upload, path }) => {
          // The upload stops sending parts and aborts itself once those in flight settle: abort now, by
          // id, so the server frees the parts at once; the upload's own abort follows (404).
          await upload.abort().catch(() => {});
          if (!upload.uploadId) return;
          await target.abortUpload!({ path, uploadId: upload.uploadId }).then(
            () => aborted++,
            () => {},
          );
        }),
      );
      return aborted;
    },

    async close() {
      client.destroy();
    },
  };
  return target;
}

/**
 * Whether the way to the endpoint keeps a body from being changed on the way: TLS (AWS itself, or an
 * https:// endpoint) or a loopback address. Elsewhere (plain http:// across a network) the signature
 * still covers each body's SHA-256.
 */
export function protectedTransport(endpoint: string | undefined): boolean {
  if (endpoint === undefined) return true;
  try {
    const url = new URL(endpoint);
    if (url.protocol === 'https:') return true;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** The SDK's logger interface, answering nothing. */
const SILENT_SDK_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * The region the SDK's own chain finds (`AWS_REGION`, then the profile's `region` in ~/.aws/config), or
 * undefined: asked of a client that is never used, because the chain has no other public entry point.
 */
async function regionFromChain(
  sdk: typeof import('@aws-sdk/client-s3'),
  profile: string | undefined,
): Promise<string | undefined> {
  const probe = new sdk.S3Client({ profile });
  try {
    return (await probe.config.region()) || undefined;
  } catch {
    return undefined;
  } finally {
    probe.destroy();
  }
}

/** The endpoint for messages: a user name or password in the URL is never printed. */
function withoutUserInfo(endpoint: string | undefined): string | undefined {
  if (!endpoint) return endpoint;
  try {
    const url = new URL(endpoint);
    if (!url.username && !url.password) return endpoint;
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return '(the configured endpoint)';
  }
}

/** Encrypted with a KMS or customer key: S3's ETag is then no MD5 of the bytes. */
function encryptedByKey(output: { ServerSideEncryption?: string; SSECustomerAlgorithm?: string }): boolean {
  return /kms/i.test(output.ServerSideEncryption ?? '') || output.SSECustomerAlgorithm !== undefined;
}

/** The server holds other bytes than were sent: retried (sent again); named when attempts run out. */
function damaged(path: string, reported: string, expected: string): Error {
  return Object.assign(
    new SkewlessError(
      'VERIFY_FAILED',
      `${path} was stored with other bytes than were sent: the server reports ETag ${reported}, the file's is ${expected}. No document was published after it; run the upload again (the damaged object is sent again).`,
    ),
    { retryable: true },
  );
}

function unquote(etag: string | undefined): string | undefined {
  return etag?.replace(/^W\//, '').replace(/^"|"$/g, '');
}

function isNotImplemented(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return statusOf(error) === 501 || name === 'NotImplemented';
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** Turn SDK failures the user can fix into one clear message; keep the rest (with `retryable` intact). */
function translate(
  error: unknown,
  where: string,
  endpoint: string | undefined,
  context: { operation: string; timeout: number },
): unknown {
  const e = error as Error & { name?: string; code?: string };
  const at = endpoint ? ` at ${endpoint}` : '';
  if (error instanceof SkewlessError) return error;
  if (e?.name === 'TimeoutError' || e?.code === 'ETIMEDOUT') {
    // Retryable: the next attempt opens a fresh connection; withRetry bounds how many.
    return Object.assign(
      new SkewlessError(
        'UNREACHABLE',
        `${context.operation} in ${where}${at} got no answer within ${context.timeout} ms (${e.name}: ${e.message}). Check that the server is reachable and not overloaded, then run again.`,
        { cause: error },
      ),
      { retryable: true },
    );
  }
  if (e?.name === 'CredentialsProviderError' || /Could not load credentials/i.test(e?.message ?? '')) {
    return new SkewlessError('MISSING_CREDENTIALS', CREDENTIAL_HELP, { cause: error });
  }
  if (/Region is missing/i.test(e?.message ?? '')) {
    return new SkewlessError(
      'INVALID_OPTIONS',
      "no AWS region set. Set the 'region' upload option (--region in the CLI), or AWS_REGION (or a region in your AWS profile).",
      { cause: error },
    );
  }
  if (e?.name === 'NoSuchBucket') {
    return new SkewlessError(
      'UNREACHABLE',
      `the bucket of ${where} does not exist${at}. Create it, or fix the 'to' / 'endpoint' upload options (--to / --endpoint in the CLI).`,
      { cause: error },
    );
  }
  const status = statusOf(error);
  if (status === 403 || e?.name === 'AccessDenied' || e?.name === 'InvalidAccessKeyId') {
    return new SkewlessError(
      'UNREACHABLE',
      `access to ${where}${at} was denied (${e.name && e.name !== 'Unknown' ? e.name : `HTTP ${status ?? 403}: the answer carried no error code`}). Check the credentials and that they allow s3:ListBucket, s3:GetObject and s3:PutObject on it.`,
      { cause: error },
    );
  }
  if (status !== undefined && isRetryable(error)) {
    // A server that kept refusing (throttling, 5xx, a conflict): the user reads which request, where,
    // and what the server said, not a bare "Please reduce your request rate.". Still retryable, with
    // the answer's headers kept for Retry-After.
    const throttled =
      status === 503 || status === 429 || /SlowDown|Throttl|TooManyRequests/.test(e.name ?? '');
    return Object.assign(
      new SkewlessError(
        'UPLOAD_FAILED',
        `${context.operation} in ${where}${at} failed: the server answered ${status}${e.name && e.name !== 'Error' ? ` ${e.name}` : ''} (${e.message}). ${throttled ? 'The storage is throttling requests: run again later, or with more --attempts and a longer --retry-delay.' : 'Run again; if it persists, check the storage service.'}`,
        { cause: error },
      ),
      {
        retryable: true,
        $response: (error as { $response?: unknown }).$response,
        $metadata: { httpStatusCode: status },
      },
    );
  }
  const code = e?.code ?? (e?.cause as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return Object.assign(
      new SkewlessError(
        'UNREACHABLE',
        `cannot reach ${where}${at} (${code}). Check the 'endpoint' upload option (--endpoint in the CLI) or AWS_ENDPOINT_URL, and that the server is running.`,
        { cause: error },
      ),
      { retryable: code !== 'ENOTFOUND' },
    );
  }
  return error;
}
