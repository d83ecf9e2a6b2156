import { SkewlessError } from './errors.js';
import type { RemoteObject } from './targets/target.js';
import type { UploadPlanEntry } from './types.js';

/**
 * Check, from one fresh listing, that every asset the documents may reference is present with its
 * size. Runs between the assets and the documents, so HTML is never published over a hole.
 */
export function verifyListing(
  entries: readonly UploadPlanEntry[],
  listing: ReadonlyMap<string, RemoteObject>,
  where: string,
): void {
  const missing: string[] = [];
  for (const entry of entries) {
    const remote = listing.get(entry.path);
    if (!remote) missing.push(`${entry.key} (missing)`);
    else if (remote.size !== entry.bytes)
      missing.push(`${entry.key} (${remote.size} bytes, expected ${entry.bytes})`);
  }
  if (missing.length === 0) return;
  throw new SkewlessError(
    'VERIFY_FAILED',
    `after the upload, ${where} does not hold ${missing.length} asset(s) as planned: ${missing.join(', ')}. No document was published; run the upload again, and check for a lifecycle rule or another writer on this prefix.`,
  );
}
