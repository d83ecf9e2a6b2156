import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildDigest, Manifest } from '@skewless/core';
import {
  isPrecompressedSibling,
  MANIFEST_PATH,
  mapLimit,
  SkewlessError,
  standingOf,
  walkFiles,
} from '@skewless/core';
import { digestForSend, type SendDigest } from './digest.js';
import type { DigestCache } from './digest-cache.js';

/** What {@link checkBuild} found: digests to send with, each file's MD5, and how many were known unchanged. */
export interface CheckedBuild {
  /** Files read and hashed now, with a small file's bytes (what gets sent). */
  checked: Map<string, SendDigest>;
  /** Every file's MD5, read now or known from the digest cache. */
  md5s: Map<string, string>;
  /** Files whose digests came from the cache: unchanged on disk since they were hashed. */
  unchanged: number;
  /** Files whose digests were handed over by the manifest step: unchanged on disk since it read them. */
  handed: number;
}

/** Bytes of checked small files kept in memory for sending. */
const KEPT_BODIES_LIMIT = 64 * 1024 * 1024;

/**
 * Refuse, before anything is written, a build directory that holds no files, or whose files are not
 * the ones the manifest describes: a file missing, of another size or other bytes (each one is hashed),
 * or on disk without being in the manifest. Uploading such a build would publish a manifest (and
 * sha256 metadata) that lies about what is stored. Every problem is named at once.
 * Returns each file's digest (and a small file's bytes) for the upload to use instead of reading again.
 */
export async function checkBuild(
  dir: string,
  manifest: Manifest,
  fromDisk: boolean,
  cache?: DigestCache,
  handed?: ReadonlyMap<string, BuildDigest>,
): Promise<CheckedBuild> {
  const onDisk = await walkFiles(dir, [MANIFEST_PATH]);
  if (onDisk.length === 0) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `the build directory ${dir} holds no files. Nothing was written. Build first, or pass the right directory.`,
    );
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  const digests = new Map<string, SendDigest>();
  const md5s = new Map<string, string>();
  let kept = 0;
  let unchanged = 0;
  let taken = 0;
  const problems = await mapLimit(manifest.files, 16, async (file) => {
    const local = join(dir, ...file.path.split('/'));
    const given = handed?.get(file.path);
    // Synchronous: a stat is microseconds of the file system's time, and the promise API's thread-pool
    // round trip costs more than the call itself (a CPU profile of a 2,000-file re-run).
    const before = cache || given ? statSync(local, { bigint: true, throwIfNoEntry: false }) : undefined;
    // Read by the step that wrote the manifest, and not written since (the status-change time moves on
    // every write): its digests and bytes, without a second read. The bytes sent are then the very bytes
    // the manifest hashed; a file that moved is read and checked below.
    if (given && before && sameStanding(given.stood, standingOf(before))) {
      if (given.bytes !== file.bytes)
        return `${file.path} (${given.bytes} bytes, the manifest says ${file.bytes})`;
      if (given.sha256 !== file.sha256)
        return `${file.path} (other bytes than the manifest says: sha256 differs)`;
      cache?.record(file.path, before, given);
      const digest: SendDigest = { sha256: given.sha256, md5: given.md5, bytes: given.bytes };
      if (given.body && kept + given.bytes <= KEPT_BODIES_LIMIT) {
        kept += given.bytes;
        digest.body = given.body;
      }
      digests.set(file.path, digest);
      md5s.set(file.path, given.md5);
      taken++;
      return undefined;
    }
    // Unchanged on disk since it was last hashed (see DigestCache): its digests, without reading it. Only
    // for the check and the plan; a file that is sent is read, hashed and checked again as it is sent.
    const known = before && cache?.lookup(file.path, before);
    if (known && before) {
      if (Number(before.size) !== file.bytes)
        return `${file.path} (${before.size} bytes, the manifest says ${file.bytes})`;
      if (known.sha256 !== file.sha256)
        return `${file.path} (other bytes than the manifest says: sha256 differs)`;
      md5s.set(file.path, known.md5);
      unchanged++;
      return undefined;
    }
    // Only a file that is not there is "missing": one the user may not read is named as such (the
    // reader's own error), never taken for a stale manifest.
    const found = await digestForSend(local).catch((error: NodeJS.ErrnoException) => {
      if (error?.code === 'ENOENT' || error?.code === 'ENOTDIR' || error?.code === 'EISDIR') return undefined;
      throw error;
    });
    if (!found) return `${file.path} (missing)`;
    if (before) cache?.record(file.path, before, found);
    if (found.bytes !== file.bytes)
      return `${file.path} (${found.bytes} bytes, the manifest says ${file.bytes})`;
    if (found.sha256 !== file.sha256)
      return `${file.path} (other bytes than the manifest says: sha256 differs)`;
    // The checked bytes of small files are what gets sent (one read a file, and the stored sha256
    // describes the very bytes stored), up to a memory budget; beyond it a file is read again to send.
    if (found.body && kept + found.bytes <= KEPT_BODIES_LIMIT) kept += found.bytes;
    else delete found.body;
    digests.set(file.path, found);
    md5s.set(file.path, found.md5);
    return undefined;
  });
  // Precompressed siblings (`X.br` next to a listed `X`) are never in the manifest by design.
  for (const path of onDisk) {
    if (!listed.has(path) && !isPrecompressedSibling(path, listed))
      problems.push(`${path} (not in the manifest)`);
  }
  const wrong = problems.filter((p): p is string => p !== undefined);
  if (wrong.length === 0) {
    if (cache) {
      cache.retain(listed);
      await cache.save();
    }
    return { checked: digests, md5s, unchanged, handed: taken };
  }
  const without = fromDisk
    ? `upload without the manifest (delete ${join(dir, MANIFEST_PATH)})`
    : 'upload without the manifest';
  throw new SkewlessError(
    'INVALID_MANIFEST',
    `the files in ${dir} do not match the manifest: ${wrong.join(', ')}. Nothing was written. Rebuild, or ${without}.`,
  );
}

function sameStanding(a: BuildDigest['stood'], b: BuildDigest['stood']): boolean {
  return a.size === b.size && a.ino === b.ino && a.mtime === b.mtime && a.ctime === b.ctime;
}
