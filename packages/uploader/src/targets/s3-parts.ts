import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { SkewlessError, unreadableFile } from '@skewless/core';

/** What a multipart upload of one file needs. */
export interface PartsRequest {
  sdk: typeof import('@aws-sdk/client-s3');
  client: S3Client;
  /** CreateMultipartUpload's parameters (bucket, key, headers, metadata); `IfNoneMatch` goes on Complete. */
  params: {
    Bucket: string;
    Key: string;
    ContentType: string;
    CacheControl: string;
    Metadata: Record<string, string>;
    ACL?: 'public-read';
    IfNoneMatch?: string;
  };
  file: string;
  bytes: number;
  /** The manifest's SHA-256 of the file: bytes read to send that hash otherwise are never completed. */
  sha256: string;
  partSize: number;
  /** The target's part buffers: a part is read into one and holds it until the server answered. */
  buffers: PartBuffers;
  /** The bytes of the parts the server has acknowledged so far. */
  onBytes?: (sent: number) => void;
}

/** What the server answered to CompleteMultipartUpload, and the MD5s of the parts as they were sent. */
export interface PartsResult {
  ETag?: string;
  partMd5s: Buffer[];
}

/**
 * One file sent in parts, read once: each part is read from disk into one of the target's reused
 * buffers ({@link PartBuffers}), hashed (its MD5 for Content-MD5, and the whole file's SHA-256 in
 * order), and sent while the next is read. Memory is bounded by the buffers, whatever the files' sizes,
 * and no chunk is copied into a part buffer: lib-storage, used before, assembled 8 MiB parts from
 * stream chunks, copies and garbage that a CPU profile of a 1 GB upload put at a fifth of its time
 * (and 231 against 180 MiB peak RSS with the same 2 uploads of 4 parts). The upload is completed only
 * if the bytes read are the manifest's, so nothing else becomes visible; on any failure it is
 * aborted, so no part is left to pay for.
 */
export class PartsUpload {
  uploadId: string | undefined;
  readonly #request: PartsRequest;
  readonly #stop = new AbortController();

  constructor(request: PartsRequest) {
    this.#request = request;
  }

  /** Stop sending parts; {@link done} then rejects, and aborts the upload on the server. */
  async abort(): Promise<void> {
    this.#stop.abort();
  }

  async done(): Promise<PartsResult> {
    const { sdk, client, params } = this.#request;
    const { IfNoneMatch, ...create } = params;
    const signal = this.#stop.signal;
    const created = await client.send(new sdk.CreateMultipartUploadCommand(create), { abortSignal: signal });
    this.uploadId = created.UploadId;
    try {
      const { etags, md5s } = await this.#sendParts(signal);
      const done = await client.send(
        new sdk.CompleteMultipartUploadCommand({
          Bucket: params.Bucket,
          Key: params.Key,
          UploadId: this.uploadId,
          MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
          ...(IfNoneMatch ? { IfNoneMatch } : {}),
        }),
        { abortSignal: signal },
      );
      return { ETag: done.ETag, partMd5s: md5s };
    } catch (error) {
      // The error that stopped the upload is the one to tell; a failed abort (s3rver answers 405,
      // TOOLCHAIN.md) leaves parts for a lifecycle rule or `skewless doctor --fix`.
      await client
        .send(
          new sdk.AbortMultipartUploadCommand({
            Bucket: params.Bucket,
            Key: params.Key,
            UploadId: this.uploadId,
          }),
        )
        .catch(() => {});
      if (signal.aborted && !(error instanceof SkewlessError)) throw uploadAborted(error);
      throw error;
    }
  }

  async #sendParts(signal: AbortSignal): Promise<{ etags: string[]; md5s: Buffer[] }> {
    const { sdk, client, params, file, bytes, partSize, buffers, onBytes } = this.#request;
    const handle = await open(file, 'r').catch((error) => {
      throw unreadableFile(file, error);
    });
    const sha256 = createHash('sha256');
    const etags: string[] = [];
    const md5s: Buffer[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    let sent = 0;
    try {
      for (let offset = 0, part = 1; offset < bytes; offset += partSize, part++) {
        const length = Math.min(partSize, bytes - offset);
        const buffer = await buffers.take(length);
        if (failure !== undefined || signal.aborted) {
          buffers.give(buffer);
          break;
        }
        let body: Buffer;
        try {
          let filled = 0;
          while (filled < length) {
            const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
            // Shorter than the manifest says: it changed after the build.
            if (bytesRead === 0) throw staleFile(file);
            filled += bytesRead;
          }
          body = buffer.subarray(0, length);
          sha256.update(body);
        } catch (error) {
          buffers.give(buffer);
          throw error;
        }
        const md5 = createHash('md5').update(body).digest();
        md5s.push(md5);
        const number = part;
        const sending = client
          .send(
            new sdk.UploadPartCommand({
              Bucket: params.Bucket,
              Key: params.Key,
              UploadId: this.uploadId,
              PartNumber: number,
              Body: body,
              ContentLength: length,
              ContentMD5: md5.toString('base64'),
            }),
            { abortSignal: signal },
          )
          .then(
            (answer) => {
              etags[number - 1] = answer.ETag ?? '';
              sent += length;
              onBytes?.(sent);
            },
            (error: unknown) => {
              failure ??= error;
            },
          )
          .finally(() => {
            inFlight.delete(sending);
            buffers.give(buffer);
          });
        inFlight.add(sending);
      }
    } finally {
      await Promise.allSettled(inFlight);
      await handle.close();
    }
    if (failure !== undefined) throw failure;
    if (signal.aborted) throw uploadAborted();
    if (sha256.digest('hex') !== this.#request.sha256) throw staleFile(file);
    return { etags, md5s };
  }
}

/**
 * The part buffers of one target, shared by its multipart uploads: at most `most` at once, so memory is
 * `most × size` however many large files go up together, and one file alone may use them all (as many
 * parts in flight as a slow link needs). Buffers are reused, not left to the garbage collector; a part
 * larger than `size` (files above ~70 GiB) gets a buffer of its own, still counted.
 */
export class PartBuffers {
  readonly #free: Buffer[] = [];
  readonly #waiting: (() => void)[] = [];
  #taken = 0;

  constructor(
    readonly size: number,
    readonly most: number,
  ) {}

  /** A buffer of at least `length` bytes, once one is free (first come, first served). */
  async take(length: number): Promise<Buffer> {
    while (this.#taken >= this.most) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#taken++;
    const free = length <= this.size ? this.#free.pop() : undefined;
    return free ?? Buffer.allocUnsafe(Math.max(length, this.size));
  }

  give(buffer: Buffer): void {
    this.#taken--;
    if (buffer.length === this.size) this.#free.push(buffer);
    this.#waiting.shift()?.();
  }
}

/** What a stopped upload fails with (as the SDK's own aborted requests do): not a failure to report. */
function uploadAborted(cause?: unknown): Error {
  return Object.assign(new Error('Upload aborted.'), {
    name: 'AbortError',
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The file's bytes, as read to send, are not the manifest's: it changed after the build. */
export function staleFile(file: string): SkewlessError {
  return new SkewlessError(
    'INVALID_MANIFEST',
    `${file} has other bytes than the manifest says (sha256 differs): the manifest is out of date. Nothing of it was made visible (its parts were aborted). Rebuild, then upload again.`,
  );
}
