import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type {
  Logger,
  Manifest,
  UploadOptions,
  UploadPlanEntry,
  UploadProgress,
  UploadResult,
} from '@skewless/core';
import {
  assertOptions,
  checkManifestNames,
  createManifest,
  mapLimit,
  RELEASE_FILE,
  readManifest,
  SkewlessError,
  serializeManifest,
  silentLogger,
} from '@skewless/core';
import { RELEASES_DIR, releaseManifestPath } from '../releases/paths.js';
import { openTarget } from '../targets/open.js';
import { parseTarget } from '../targets/parse.js';
import { withRetries } from '../targets/retry.js';
import type { PutRequest, RemoteObject, Target } from '../targets/target.js';
import { checkBuild } from './check-build.js';
import { digestForSend, LocalDigests, type SendDigest } from './digest.js';
import { type PlannedEntry, planUpload } from './plan.js';
import { compareHead } from './same-bytes.js';
import { verifyListing } from './verify.js';

const DEFAULT_CONCURRENCY = 16;

/**
 * Upload a build to `s3://` or `file://` storage without ever breaking a page that is already open:
 * immutable and revalidate files first, a verifying listing, then (with `html: true`) the documents that
 * reference them. Files the target already holds are skipped; other bytes under an immutable name stop
 * the upload before any document is written.
 */
export async function upload(options: UploadOptions): Promise<UploadResult> {
  assertOptions(options, { command: 'upload' });
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const dir = resolve(options.dir ?? '');
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  parseTarget(options.to);
  const { manifest, walked } = await resolveManifest(dir, options.manifest, logger);
  // A manifest built by walking the directory matches it by construction; only an empty one is refused.
  const checked =
    !walked || manifest.files.length === 0
      ? await checkBuild(dir, manifest, !options.manifest)
      : new Map<string, SendDigest>();
  const retry = {
    attempts: options.attempts ?? 5,
    baseDelayMs: options.retryDelayMs ?? 200,
    onRetry: (error: unknown, attempt: number, delay: number) =>
      logger.debug(`attempt ${attempt} failed (${(error as Error)?.message}); retrying in ${delay} ms`),
  };
  const report = (p: Omit<UploadProgress, 'totalFiles' | 'totalBytes'>, total: UploadPlanEntry[]) =>
    options.onProgress?.({
      ...p,
      totalFiles: total.length,
      totalBytes: total.reduce((n, e) => n + e.bytes, 0),
    });

  const target = withRetries(await openTarget(options), retry);
  try {
    report({ phase: 'list', files: 0, bytes: 0 }, []);
    const remote = await target.list();
    logger.debug(`${target.url} holds ${remote.size} object(s)`);
    // Each file's MD5 is computed once per upload, by whichever step reads the file first.
    const digests = new LocalDigests(dir);
    for (const [path, d] of checked) digests.remember(path, d.md5);
    const plan = await planUpload({
      manifest,
      dir,
      digests,
      key: (path) => target.key(path),
      remote,
      head: (path) => target.head(path),
      html: options.html ?? false,
      includePrivate: options.includePrivate ?? false,
      force: options.force ?? false,
      concurrency,
    });
    const conflicts = plan.filter((e) => e.action === 'conflict').map((e) => e.key);
    const result = (): UploadResult => {
      const sent = plan.filter((e) => e.action === 'upload');
      return {
        release: manifest.release,
        target: options.to,
        dryRun: options.dryRun ?? false,
        planned: plan.filter((e) => e.action !== 'omit').length,
        uploaded: sent.length,
        skipped: plan.filter((e) => e.action === 'skip').length,
        bytes: sent.reduce((n, e) => n + e.bytes, 0),
        seconds: Math.round(performance.now() - started) / 1000,
        conflicts,
        files: plan.map(({ file: _file, ...entry }) => entry),
      };
    };
    for (const e of plan) {
      if (
        e.class === 'immutable' &&
        e.action === 'upload' &&
        e.reason !== 'new' &&
        !e.reason.startsWith('damaged')
      )
        logger.warn(`overwriting ${e.key}, which holds other bytes (--force).`);
    }
    if (options.dryRun) return result();
    if (conflicts.length > 0) {
      throw new SkewlessError(
        'IMMUTABLE_CONFLICT',
        `${target.url} already holds other bytes under ${conflicts.length} immutable name(s): ${conflicts.join(', ')}. Nothing was written. A hashed name must never change its bytes: check that the build is deterministic ('skewless check-determinism') and the hash length; pass --force only to repair a bucket.`,
      );
    }

    const send: Sender = { target, manifest, dir, digests, checked, concurrency };
    const assets = plan.filter((e) => e.action === 'upload' && e.class !== 'document');
    await transfer(send, 'assets', [assets], (p) => report(p, assets));
    const present = plan.filter(
      (e) => (e.action === 'upload' || e.action === 'skip') && e.class !== 'document',
    );
    report({ phase: 'verify', files: 0, bytes: 0 }, []);
    if (present.length > 0) {
      // Only where the server does not call its ETag an MD5 (SSE-KMS) may the stored sha256 settle it.
      const confirm = async (e: PlannedEntry) =>
        compareHead(await target.head(e.path), e.file, await digests.md5(e.path)) === 'same';
      await verifyListing(present, await target.list(), target.url, digests, confirm);
    }

    // The release manifest is stored before any document goes live: prune keeps only the files of
    // releases it can read, so a published release without one could lose its assets.
    await storeReleaseManifest(target, manifest, remote);

    // The release file goes last and alone: the runtime reloads when it changes, and that reload must
    // find the new HTML already in place.
    const documents = plan.filter((e) => e.action === 'upload' && e.class === 'document');
    const waves = [
      documents.filter((e) => e.path !== RELEASE_FILE),
      documents.filter((e) => e.path === RELEASE_FILE),
    ];
    await transfer(send, 'documents', waves, (p) => report(p, documents));

    report({ phase: 'done', files: 0, bytes: 0 }, []);
    return result();
  } finally {
    await target.close();
  }
}

async function storeReleaseManifest(
  target: Target,
  manifest: Manifest,
  remote: ReadonlyMap<string, RemoteObject>,
): Promise<void> {
  const path = releaseManifestPath(manifest.release);
  const body = serializeManifest(manifest);
  const stored = remote.get(path);
  // Prune keeps the most recently stored releases. A re-upload of an older release (a rollback, which
  // in the container flow sets no skewless.json) must count as new again, or its files could be pruned
  // while it is the one running; a re-run of the newest release still sends nothing.
  const newer = [...remote.values()].some(
    (o) =>
      o.path !== path &&
      o.path.startsWith(`${RELEASES_DIR}/`) &&
      (o.modified ?? 0) >= (stored?.modified ?? Number.POSITIVE_INFINITY),
  );
  if (stored?.size === Buffer.byteLength(body) && !newer) return;
  try {
    await target.putText(path, body, 'application/json', 'no-cache');
  } catch (error) {
    if (error instanceof SkewlessError) throw error;
    const e = error as Error;
    throw new SkewlessError(
      'UPLOAD_FAILED',
      `storing the release manifest ${path} in ${target.url} failed: ${e?.message ?? String(error)}. The assets are in place but no document was published (prune could not see this release); run the upload again.`,
      { cause: error },
    );
  }
}

/** The plugin's manifest, else the one in the directory, else one built by walking it (container flow). */
async function resolveManifest(
  dir: string,
  given: Manifest | undefined,
  logger: Logger,
): Promise<{ manifest: Manifest; walked: boolean }> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `the build directory ${dir} does not exist. Build first, or pass the right directory.`,
    );
  }
  if (given) {
    checkManifestNames(given, 'the manifest passed to upload()');
    return { manifest: given, walked: false };
  }
  const found = await readManifest(dir);
  if (found) return { manifest: found, walked: false };
  logger.info(`no manifest in ${dir}: classifying files by name (hashed names are immutable).`);
  return { manifest: await createManifest({ dir }), walked: true };
}

/**
 * Send entries with bounded concurrency. The first failure stops new work; requests in flight finish,
 * then the failure is thrown. A conditional write that finds the key taken (412) is accepted only when
 * the object there holds the same bytes (see {@link compareHead}).
 */
async function transfer(
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
    const digest = send.checked.get(entry.path) ?? (await digestForSend(local).catch(() => undefined));
    send.checked.delete(entry.path);
    if (digest?.bytes !== file.bytes || digest.sha256 !== file.sha256) {
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
    digests.remember(entry.path, digest.md5);
    // The body lives only until this file settles: at most `concurrency` small bodies at once.
    const request: PutRequest = {
      onBytes,
      path: entry.path,
      file: local,
      body: digest.body,
      bytes: file.bytes,
      sha256: file.sha256,
      md5: digest.md5,
      contentType: file.contentType,
      cacheControl: file.cacheControl,
      release: manifest.release,
      ifNoneMatch: file.class === 'immutable' && entry.reason === 'new',
    };
    const outcome = await target.put(request);
    if (outcome === 'exists') {
      if (compareHead(await target.head(entry.path), file, digest.md5) !== 'same') {
        throw new SkewlessError(
          'IMMUTABLE_CONFLICT',
          `${entry.key} was written by someone else during this upload, with other bytes. Stopped before any document was written; find the other writer, then upload again.`,
        );
      }
      entry.action = 'skip';
      entry.reason = 'written concurrently with the same bytes';
    }
    files++;
    bytes += (entry.action === 'upload' ? entry.bytes : 0) - partial;
    report({ phase, files, bytes, key: entry.key });
  };

  // One wave after the other; in each, the first failure stops new work and is thrown once the requests
  // in flight have settled (the pool's rule).
  for (const entries of waves) {
    await mapLimit(entries, concurrency, (entry) =>
      one(entry).catch((error: unknown) => {
        throw wrap(error, entry);
      }),
    );
  }
}

/** What every transfer needs. */
interface Sender {
  target: Target;
  manifest: Manifest;
  dir: string;
  digests: LocalDigests;
  /** Digests (and small files' bytes) from the check before the upload; each is used once. */
  checked: Map<string, SendDigest>;
  concurrency: number;
}

function wrap(error: unknown, entry: UploadPlanEntry): unknown {
  if (error instanceof SkewlessError) return error;
  const e = error as Error & { name?: string };
  return new SkewlessError(
    'UPLOAD_FAILED',
    `uploading ${entry.key} failed: ${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(error)}. No document was published after it; run the upload again (finished files are skipped).`,
    { cause: error },
  );
}
