import type { ManifestFile } from '@skewless/core';
import type { RemoteHead } from '../targets/target.js';
import type { LocalDigests } from './digest.js';
import { MULTIPART_ETAG } from './multipart-etag.js';

/**
 * What a HEAD says about an object against the file meant for its key:
 * `same` bytes; `other` bytes; `damaged`: our sha256 metadata on bytes that the server's MD5 ETag says
 * are others (a write damaged on the way); `unknown`: nothing to compare (no MD5 ETag, no metadata).
 * The server's word comes first: an MD5 ETag tells what the object holds, whatever its metadata says.
 * Written by another tool that stores no sha256, a single-part ETag equal to our MD5 at the same size
 * is the same bytes (a multipart ETag, `<md5>-<parts>`, never equals an MD5). A multipart ETag is
 * compared with `multipart`, the ETag of the file sent in our part size, when given: equal, the same
 * bytes; unequal under our own sha256, damaged; unequal without it, unknown (another tool's part size).
 */
export function compareHead(
  head: RemoteHead | undefined,
  file: Pick<ManifestFile, 'sha256' | 'bytes'>,
  md5: string,
  multipart?: string,
): 'same' | 'other' | 'damaged' | 'unknown' {
  if (!head) return 'other';
  if (head.etagIsMd5) {
    if (head.size === file.bytes && head.etag === md5) return 'same';
    return head.sha256 === file.sha256 ? 'damaged' : 'other';
  }
  if (multipart !== undefined && head.etag !== undefined && MULTIPART_ETAG.test(head.etag)) {
    if (head.size === file.bytes && head.etag === multipart) return 'same';
    if (head.sha256 === undefined) return 'unknown';
    return head.sha256 === file.sha256 ? 'damaged' : 'other';
  }
  if (head.sha256 !== undefined) return head.sha256 === file.sha256 ? 'same' : 'other';
  return head.size === file.bytes && head.etag === md5 ? 'same' : 'unknown';
}

/**
 * {@link compareHead} with the local digests it needs: the file's MD5, and its multipart ETag when the
 * object's ETag has that shape (a large file read once more, a part at a time).
 */
export async function compareStored(
  head: RemoteHead | undefined,
  file: Pick<ManifestFile, 'path' | 'sha256' | 'bytes'>,
  digests: LocalDigests,
): Promise<'same' | 'other' | 'damaged' | 'unknown'> {
  const multipart =
    head?.etag !== undefined && MULTIPART_ETAG.test(head.etag) && head.size === file.bytes
      ? await digests.multipartEtag(file.path, file.bytes)
      : undefined;
  return compareHead(head, file, await digests.md5(file.path), multipart);
}
