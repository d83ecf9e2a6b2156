import type { ManifestFile } from '@skewless/core';
import type { RemoteHead } from '../targets/target.js';

/**
 * What a HEAD says about an object against the file meant for its key:
 * `same` bytes; `other` bytes; `damaged`: our sha256 metadata on bytes that the server's MD5 ETag says
 * are others (a write damaged on the way); `unknown`: nothing to compare (no MD5 ETag, no metadata).
 * The server's word comes first: an MD5 ETag tells what the object holds, whatever its metadata says.
 * Written by another tool that stores no sha256, a single-part ETag equal to our MD5 at the same size
 * is the same bytes (a multipart ETag, `<md5>-<parts>`, never equals an MD5).
 */
export function compareHead(
  head: RemoteHead | undefined,
  file: Pick<ManifestFile, 'sha256' | 'bytes'>,
  md5: string,
): 'same' | 'other' | 'damaged' | 'unknown' {
  if (!head) return 'other';
  if (head.etagIsMd5) {
    if (head.size === file.bytes && head.etag === md5) return 'same';
    return head.sha256 === file.sha256 ? 'damaged' : 'other';
  }
  if (head.sha256 !== undefined) return head.sha256 === file.sha256 ? 'same' : 'other';
  return head.size === file.bytes && head.etag === md5 ? 'same' : 'unknown';
}
