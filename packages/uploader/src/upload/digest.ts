import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { digestFile, SkewlessError, STREAM_CHUNK, unreadableFile } from '@skewless/core';
import { multipartEtagOf } from './multipart-etag.js';

/** What one read of a file to send yields. */
export interface SendDigest {
  /** SHA-256, lowercase hex. */
  sha256: string;
  /** MD5, lowercase hex: what S3 puts in a single-part ETag. */
  md5: string;
  bytes: number;
  /** The bytes themselves, for files up to the whole-file limit; large files stay on disk. */
  body?: Buffer;
}

/**
 * SHA-256 and MD5 of a file in one read. A small file's bytes come back too, so the PUT can send the
 * very bytes that were hashed without a second read; a large file is streamed and left for the target
 * to re-read from disk on every attempt (a one-shot stream could not be retried).
 */
export async function digestForSend(path: string): Promise<SendDigest> {
  const d = await digestFile(path, ['sha256', 'md5']);
  const digest: SendDigest = { sha256: d.hex.sha256!, md5: d.hex.md5!, bytes: d.bytes };
  if (d.body) digest.body = d.body;
  return digest;
}

/** MD5 of a file, hex: what S3 puts in a single-part ETag. */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: STREAM_CHUNK }))
      hash.update(chunk as Buffer);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw unreadableFile(path, error);
    throw new SkewlessError(
      'INVALID_MANIFEST',
      `${path} is missing: the manifest is out of date. Rebuild, then upload again.`,
      { cause: error },
    );
  }
  return hash.digest('hex');
}

/**
 * The MD5s of a build's files for one upload, each computed at most once: the planner, the sender and
 * the verifying listing all compare ETags with them. Holds hex strings only, never file bytes.
 */
export class LocalDigests {
  readonly #md5 = new Map<string, Promise<string>>();
  readonly #multipart = new Map<string, Promise<string>>();

  constructor(readonly dir: string) {}

  /** The MD5 of a manifest path, read from disk the first time it is asked for. */
  md5(path: string): Promise<string> {
    let found = this.#md5.get(path);
    if (!found) {
      found = md5File(join(this.dir, ...path.split('/')));
      // A failed read is not remembered: the next caller reads again and sees the error itself.
      found.catch(() => this.#md5.delete(path));
      this.#md5.set(path, found);
    }
    return found;
  }

  /** The ETag S3 reports for the file when the S3 target sent it in parts (see {@link multipartEtagOf}). */
  multipartEtag(path: string, bytes: number): Promise<string> {
    let found = this.#multipart.get(path);
    if (!found) {
      found = multipartEtagOf(join(this.dir, ...path.split('/')), bytes);
      found.catch(() => this.#multipart.delete(path));
      this.#multipart.set(path, found);
    }
    return found;
  }

  /** Record the multipart ETag of the parts the S3 target sent (see `PutRequest.sentMultipartEtag`). */
  rememberMultipart(path: string, etag: string): void {
    this.#multipart.set(path, Promise.resolve(etag));
  }

  /** Record an MD5 computed while the file was read for another reason (hashing it to send). */
  remember(path: string, md5: string): void {
    this.#md5.set(path, Promise.resolve(md5));
  }
}
