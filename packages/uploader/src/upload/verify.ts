import type { UploadPlanEntry } from '@skewless/core';
import { mapLimit, SkewlessError } from '@skewless/core';
import type { RemoteObject } from '../targets/target.js';
import { LocalDigests } from './digest.js';
import { MULTIPART_ETAG } from './multipart-etag.js';
import { MD5_ETAG } from './plan.js';

/**
 * Check, from one fresh listing, that every asset the documents may reference is present with its
 * size and, where the listing's ETag is a plain MD5, with its bytes. Runs between the assets and the
 * documents, so HTML is never published over a hole or over bytes another writer put there.
 * `confirm` (HEAD and compare the stored sha256) settles an ETag that differs from the local MD5.
 * `local` is the build directory, or the upload's MD5 cache (files hashed to send are not read again).
 */
export async function verifyListing<E extends UploadPlanEntry>(
  entries: readonly E[],
  listing: ReadonlyMap<string, RemoteObject>,
  where: string,
  local: string | LocalDigests,
  confirm?: (entry: E) => Promise<boolean>,
): Promise<void> {
  const digests = typeof local === 'string' ? new LocalDigests(local) : local;
  const problems = await mapLimit(entries, 16, async (entry) => {
    const remote = listing.get(entry.path);
    if (!remote) return `${entry.key} (missing)`;
    if (remote.size !== entry.bytes) return `${entry.key} (${remote.size} bytes, expected ${entry.bytes})`;
    if (remote.etag && MD5_ETAG.test(remote.etag) && remote.etag !== (await digests.md5(entry.path))) {
      // A 32-hex ETag need not be an MD5 (SSE-KMS objects): only the stored sha256 can tell, when asked.
      if (confirm && (await confirm(entry))) return undefined;
      return `${entry.key} (other bytes of the same size: ETag ${remote.etag})`;
    }
    // Sent in parts: the server's ETag of the parts it stored, against the file's own in our part size.
    if (
      remote.etag &&
      MULTIPART_ETAG.test(remote.etag) &&
      remote.etag !== (await digests.multipartEtag(entry.path, entry.bytes))
    ) {
      if (confirm && (await confirm(entry))) return undefined;
      return `${entry.key} (other bytes of the same size: multipart ETag ${remote.etag})`;
    }
    return undefined;
  });
  const missing = problems.filter((p): p is string => p !== undefined);
  if (missing.length === 0) return;
  throw new SkewlessError(
    'VERIFY_FAILED',
    `after the upload, ${where} does not hold ${missing.length} asset(s) as planned: ${missing.join(', ')}. No document was published; run the upload again, and check for a lifecycle rule or another writer on this prefix.`,
  );
}
