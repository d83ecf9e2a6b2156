import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest, UploadPlanEntry, UploadProgress } from '@skewless/core';
import { mapLimit, SkewlessError, WHOLE_FILE_LIMIT } from '@skewless/core';
import type { PutRequest, Target } from '../targets/target.js';
import { digestForSend, type LocalDigests, type SendDigest } from './digest.js';
import type { PlannedEntry } from './plan.js';
import { compareStored } from './same-bytes.js';

/**
 * Send entries with bounded concurrency. The first failure stops new work; requests in flight finish,
 * then the failure is thrown. A conditional write that finds the key taken (412) is accepted only when
 * the object there holds the same bytes (see {@link compareHead}).
 */
export async function transfer(
  send: Sender,
  phase: 'assets' | 'documents',
  waves: PlannedEntry[][],
  report: (p: Omit<UploadProgress, 'totalFiles' | 'totalBytes'>) => void,
): Promise<void> {
  const { target, manifest, dir, digests, concurrency } = send;
  if (waves.every((w) => w.length === 0)) return;
  let files = 0;
  let bytes = 0;
  report({ phase, files, bytes });

  const one = async (entry: PlannedEntry) => {
    const { file } = entry;
    const local = join(dir, ...entry.path.split('/'));
    // The manifest's sha256 is stored as the object's metadata and later trusted to call bytes equal,
    // so it must be the digest of what is sent, not only of a file of the same size. The same read
    // gives the MD5 the verifying listing compares ETags with, and a small file's bytes for the PUT.
    // A target that checks the bytes as it sends them, before they become visible (S3 in parts), is
    // handed a large file unread: it is read once, not once to check and again to send. A small one is
    // read whole and sent from memory in one request, whatever the multipart threshold.
    const unread =
      !send.checked.has(entry.path) &&
      file.bytes > WHOLE_FILE_LIMIT &&
      target.checksWhileSending?.(file.bytes) === true;
    const digest =
      send.checked.get(entry.path) ??
      (unread ? await sizeOnly(local) : await digestForSend(local).catch(() => undefined));
    send.checked.delete(entry.path);
    if (digest?.bytes !== file.bytes || (!unread && digest.sha256 !== file.sha256)) {
      throw new SkewlessError(
        'INVALID_MANIFEST',
        `${local} ${digest === undefined ? 'is missing' : digest.bytes !== file.bytes ? `has ${digest.bytes} bytes, the manifest says ${file.bytes}` : 'has other bytes than the manifest says (sha256 differs)'}: the manifest is out of date. Rebuild, then upload again.`,
      );
    }
    // Bytes of parts already sent by a multipart upload in flight; dropped if it is retried or done.
    let partial = 0;
    const onBytes = (sent: number) => {
      bytes += sent - partial;
      partial = sent;
      report({ phase, files, bytes, key: entry.key });
    };
    if (digest.md5) digests.remember(entry.path, digest.md5);
    // The body lives only until this file settles: at most `concurrency` small bodies at once.
    const request: PutRequest = {
      onBytes,
      path: entry.path,
      file: local,
      body: digest.body,
      bytes: file.bytes,
      sha256: file.sha256,
      ...(digest.md5 ? { md5: digest.md5 } : {}),
      ...(unread ? { unread } : {}),
      contentType: file.contentType,
      cacheControl: file.cacheControl,
      release: manifest.release,
      ifNoneMatch: file.class === 'immutable' && entry.reason === 'new',
    };
    const outcome = await target.put(request);
    // The parts' MD5s as read to send: a large file is not read a third time to verify it.
    if (request.sentMultipartEtag) digests.rememberMultipart(entry.path, request.sentMultipartEtag);
    if (outcome === 'exists') {
      const found = await compareStored(await target.head(entry.path), file, digests);
      if (found !== 'same') {
        // 'unknown': another tool's multipart object (its part size, no sha256 of ours) cannot be told
        // from its ETag; it is refused as unproven, never trusted, and the message says which case it is.
        throw new SkewlessError(
          'IMMUTABLE_CONFLICT',
          found === 'unknown'
            ? `${entry.key} was written by someone else during this upload, and what the server reports of it (a multipart ETag of another part size, no sha256 metadata) cannot show whether it holds this file's bytes. Stopped before any document was written; find the other writer, compare the object with ${local}, then upload again (--force replaces it).`
            : `${entry.key} was written by someone else during this upload, with other bytes. Stopped before any document was written; find the other writer, then upload again.`,
        );
      }
      // An earlier attempt of ours wrote it and its reply was lost (a timeout, a reset): it was sent. An
      // attempt refused with 409 wrote nothing: the other writer's object is what the key holds.
      if ((request.attempts ?? 1) - (request.refused ?? 0) <= 1) {
        entry.action = 'skip';
        entry.reason = 'written concurrently with the same bytes';
      }
    }
    files++;
    bytes += (entry.action === 'upload' ? entry.bytes : 0) - partial;
    report({ phase, files, bytes, key: entry.key });
  };

  // One wave after the other; in each, the first failure stops new work and is thrown once the requests
  // in flight have settled (the pool's rule).
  const done: string[] = [];
  for (const entries of waves) {
    try {
      await mapLimit(entries, concurrency, async (entry) => {
        await one(entry).catch((error: unknown) => {
          throw wrap(error, entry, phase);
        });
        done.push(entry.key);
      });
    } catch (error) {
      if (phase !== 'documents') throw error;
      const left = waves.flat().filter((e) => !done.includes(e.key));
      throw documentsFailed(error, done, left);
    }
  }
}

/**
 * A document failed after others of the same wave went out: S3 cannot replace several objects at once,
 * so the message says exactly which documents this release already replaced and which still hold the
 * previous release's bytes (a re-run publishes the rest).
 */
function documentsFailed(error: unknown, done: readonly string[], left: readonly PlannedEntry[]): unknown {
  if (!(error instanceof SkewlessError)) return error;
  const said = error.message
    .replace(/^\[skewless\] /, '')
    .replace(/ No document was published after it; run the upload again[^.]*\./, '');
  return new SkewlessError(
    error.code,
    `${said} Already replaced by this release: ${done.length > 0 ? done.join(', ') : 'no document'}. Not yet replaced (the previous release's, if there was one): ${left.map((e) => e.key).join(', ')}. Run the upload again to publish the rest.`,
    { cause: error },
  );
}

/** A file's size for a target that hashes it as it sends it (no digests yet), or undefined when missing. */
async function sizeOnly(path: string): Promise<(Omit<SendDigest, 'md5'> & { md5?: string }) | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? { sha256: '', bytes: info.size } : undefined;
}

/** What every transfer needs. */
export interface Sender {
  target: Target;
  manifest: Manifest;
  dir: string;
  digests: LocalDigests;
  /** Digests (and small files' bytes) from the check before the upload; each is used once. */
  checked: Map<string, SendDigest>;
  concurrency: number;
}

function wrap(error: unknown, entry: UploadPlanEntry, phase: 'assets' | 'documents'): unknown {
  if (error instanceof SkewlessError) return error;
  const e = error as Error & { name?: string };
  return new SkewlessError(
    'UPLOAD_FAILED',
    `uploading ${entry.key} failed: ${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(error)}.${phase === 'assets' ? ' No document was published after it; run the upload again (finished files are skipped).' : ''}`,
    { cause: error },
  );
}
