import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SkewlessError } from './errors.js';

/** Files up to this size are read whole: one syscall pair instead of a stream's machinery. */
const WHOLE_FILE_LIMIT = 1024 * 1024;

/** SHA-256 of a file; large files are streamed so they do not sit in memory. */
export async function sha256File(path: string): Promise<{ hex: string; base64: string; bytes: number }> {
  const hash = createHash('sha256');
  if ((await stat(path)).size <= WHOLE_FILE_LIMIT) {
    const body = await readFile(path);
    const digest = hash.update(body).digest();
    return { hex: digest.toString('hex'), base64: digest.toString('base64'), bytes: body.length };
  }
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  const digest = hash.digest();
  return { hex: digest.toString('hex'), base64: digest.toString('base64'), bytes };
}

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
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  if ((await stat(path)).size <= WHOLE_FILE_LIMIT) {
    const body = await readFile(path);
    sha256.update(body);
    md5.update(body);
    return { sha256: sha256.digest('hex'), md5: md5.digest('hex'), bytes: body.length, body };
  }
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    sha256.update(chunk as Buffer);
    md5.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: sha256.digest('hex'), md5: md5.digest('hex'), bytes };
}

/** MD5 of a file, hex: what S3 puts in a single-part ETag. */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
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

  /** Record an MD5 computed while the file was read for another reason (hashing it to send). */
  remember(path: string, md5: string): void {
    this.#md5.set(path, Promise.resolve(md5));
  }
}

/** Run `fn` over `items` with at most `limit` in flight, keeping order in the result. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
