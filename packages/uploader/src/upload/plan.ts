import type { Manifest, ManifestFile, UploadPlanEntry } from '@skewless/core';
import { mapLimit } from '@skewless/core';
import type { RemoteHead, RemoteObject } from '../targets/target.js';
import { LocalDigests } from './digest.js';
import { MULTIPART_ETAG } from './multipart-etag.js';
import { compareStored } from './same-bytes.js';

/** What the planner needs besides the manifest. */
export interface PlanInput {
  manifest: Manifest;
  /** The build directory (local files are read for their MD5 only where a listed ETag must be compared). */
  dir: string;
  /** The upload's MD5 cache, so the verifying listing does not read a file again. @default a fresh one */
  digests?: LocalDigests;
  /** The key a manifest path is written to (the target's own, with its prefix). */
  key: (path: string) => string;
  /** The target's listing, by manifest path. */
  remote: ReadonlyMap<string, RemoteObject>;
  /** HEAD one object, where the listing cannot decide. */
  head: (path: string) => Promise<RemoteHead | undefined>;
  html: boolean;
  includePrivate: boolean;
  force: boolean;
  concurrency: number;
}

/** A plan entry with the manifest file it is about, so no later step looks it up by path. */
export interface PlannedEntry extends UploadPlanEntry {
  file: ManifestFile;
}

/** A single-part S3 ETag is the hex MD5 of the bytes; multipart (`…-N`) and SSE-KMS ones are not. */
export const MD5_ETAG = /^[0-9a-f]{32}$/;

/**
 * Decide, per manifest file, whether to upload, skip or refuse it. The listing decides by size and
 * single-part ETag; a HEAD (for the stored sha256) happens only where it cannot: multipart ETags,
 * targets without ETags, and keys of the same size whose ETag differs (an SSE-KMS ETag is no MD5, an
 * immutable key is never called in conflict on an ETag alone, and a re-run must not re-send the rest).
 */
export async function planUpload(input: PlanInput): Promise<PlannedEntry[]> {
  const digests = input.digests ?? new LocalDigests(input.dir);
  return mapLimit(input.manifest.files, input.concurrency, async (file) => {
    const entry: PlannedEntry = {
      file,
      path: file.path,
      key: input.key(file.path),
      class: file.class,
      bytes: file.bytes,
      action: 'upload',
      reason: 'new',
    };
    if (file.class === 'private' && !input.includePrivate) {
      return { ...entry, action: 'omit', reason: 'private (pass --include-private to upload)' };
    }
    if (file.class === 'document' && !input.html) {
      return { ...entry, action: 'omit', reason: 'document (pass --html to upload)' };
    }
    const remote = input.remote.get(file.path);
    if (!remote) return entry;
    const same = await sameBytes(file, remote, input, digests);
    if (same === true) return { ...entry, action: 'skip', reason: 'same bytes' };
    if (same === 'damaged') {
      return { ...entry, reason: 'damaged: its ETag is not the MD5 of these bytes (sent again)' };
    }
    if (file.class !== 'immutable') return { ...entry, reason: 'changed' };
    if (input.force)
      return { ...entry, reason: 'other bytes under an immutable name (overwritten: --force)' };
    return {
      ...entry,
      action: 'conflict',
      reason: same === false ? 'other bytes' : 'cannot prove same bytes',
    };
  });
}

/**
 * true: same bytes; false: other bytes; undefined: cannot tell (no digest to compare); 'damaged': our
 * sha256 metadata on bytes the server's MD5 ETag says are others (a write damaged on the way).
 */
async function sameBytes(
  file: ManifestFile,
  remote: RemoteObject,
  input: PlanInput,
  digests: LocalDigests,
): Promise<boolean | undefined | 'damaged'> {
  if (remote.size !== file.bytes) return false;
  // A 32-hex ETag that is not the local MD5 may still be the same bytes (SSE-KMS): the HEAD decides.
  if (remote.etag && MD5_ETAG.test(remote.etag) && (await digests.md5(file.path)) === remote.etag)
    return true;
  if (
    remote.etag &&
    MULTIPART_ETAG.test(remote.etag) &&
    (await digests.multipartEtag(file.path, file.bytes)) === remote.etag
  )
    return true;
  const verdict = await compareStored(await input.head(file.path), file, digests);
  if (verdict === 'same') return true;
  if (verdict === 'damaged') return 'damaged';
  if (verdict === 'other') return false;
  return file.class === 'immutable' ? undefined : false;
}
