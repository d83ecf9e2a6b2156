import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { closeSync, createReadStream, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { unreadableFile } from './errors.js';
import type { BuildDigest, FileStanding } from './types.js';

/** Files up to this size are read whole: one syscall pair instead of a stream's machinery. */
export const WHOLE_FILE_LIMIT = 1024 * 1024;

/**
 * The chunk size of large files' read streams: 1 MiB instead of Node's 64 KiB cuts the per-chunk cost
 * (calls, buffers, garbage) of reading 128 MiB by about a quarter of its CPU time.
 */
export const STREAM_CHUNK = 1024 * 1024;

/** What one read of a file yields: the digests asked for, its size, and a small file's bytes. */
export interface FileDigest {
  /** Hex digest per algorithm asked for (`sha256`, `md5`). */
  hex: Record<string, string>;
  /** Base64 digest per algorithm asked for. */
  base64: Record<string, string>;
  bytes: number;
  /** The bytes themselves, for files up to {@link WHOLE_FILE_LIMIT}; large files are streamed, not kept. */
  body?: Buffer;
}

/**
 * Digests of a file in one read. A small file is read whole (and its bytes returned, so a caller can send
 * the very bytes it hashed); a large one is streamed so it never sits in memory.
 */
export async function digestFile(path: string, algorithms: readonly string[]): Promise<FileDigest> {
  try {
    return await readDigests(path, algorithms);
  } catch (error) {
    throw unreadableFile(path, error);
  }
}

async function readDigests(path: string, algorithms: readonly string[]): Promise<FileDigest> {
  const hashes = algorithms.map((a) => createHash(a));
  let bytes = 0;
  const body = readSmallFile(path);
  if (body) {
    for (const h of hashes) h.update(body);
    bytes = body.length;
  } else {
    for await (const chunk of createReadStream(path, { highWaterMark: STREAM_CHUNK })) {
      for (const h of hashes) h.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  }
  const hex: Record<string, string> = {};
  const base64: Record<string, string> = {};
  algorithms.forEach((a, i) => {
    const digest = hashes[i]!.digest();
    hex[a] = digest.toString('hex');
    base64[a] = digest.toString('base64');
  });
  return body ? { hex, base64, bytes, body } : { hex, base64, bytes };
}

/**
 * The whole file when it is at most {@link WHOLE_FILE_LIMIT}, else undefined. Read synchronously: the
 * promise API's stat, open, fstat, read and close are five thread-pool round trips a file, and a CPU
 * profile of a 2,000-file upload put them at ~0.1 ms of main-thread time each (~0.5 s in all), several
 * times the synchronous calls' cost; a small file's read blocks for microseconds.
 */
function readSmallFile(path: string): Buffer | undefined {
  // A large file is not opened here: it is streamed (one open a read, as the read-counting tests see).
  if (statSync(path).size > WHOLE_FILE_LIMIT) return undefined;
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > WHOLE_FILE_LIMIT) return undefined;
    const body = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const read = readSync(fd, body, at, size - at, at);
      if (read === 0) break;
      at += read;
    }
    // A file that shrank since the fstat: only what is there (the size check that follows refuses it).
    return at < size ? body.subarray(0, at) : body;
  } finally {
    closeSync(fd);
  }
}

/** SHA-256 of a file; large files are streamed so they do not sit in memory. */
export async function sha256File(path: string): Promise<{ hex: string; base64: string; bytes: number }> {
  const d = await digestFile(path, ['sha256']);
  return { hex: d.hex.sha256!, base64: d.base64.sha256!, bytes: d.bytes };
}

/** How a file stands on disk (see {@link FileStanding}). */
export function standingOf(stats: BigIntStats): FileStanding {
  return {
    size: String(stats.size),
    ino: String(stats.ino),
    mtime: String(stats.mtimeNs),
    ctime: String(stats.ctimeNs),
  };
}

/**
 * SHA-256 and MD5 of a file in one read, with how it stood on disk just before (for the upload that
 * follows, which then need not read it again while it stands so).
 */
export async function digestForBuild(path: string): Promise<BuildDigest> {
  const stood = standingOf(await stat(path, { bigint: true }));
  const d = await digestFile(path, ['sha256', 'md5']);
  const digest: BuildDigest = { sha256: d.hex.sha256!, md5: d.hex.md5!, bytes: d.bytes, stood };
  if (d.body) digest.body = d.body;
  return digest;
}
