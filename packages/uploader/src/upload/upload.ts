import { readFile, readlink, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type {
  BuildDigest,
  HashFormat,
  Logger,
  Manifest,
  ManifestFile,
  UploadOptions,
  UploadPlanEntry,
  UploadProgress,
  UploadResult,
} from '@skewless/core';
import {
  assertOptions,
  checkManifestNames,
  createManifest,
  FRAMEWORK_IMMUTABLE_FOLDERS,
  isControlFile,
  mapLimit,
  precachePath,
  precacheUrls,
  readManifest,
  releaseFileOf,
  SkewlessError,
  silentLogger,
  symlinksIn,
} from '@skewless/core';
import { preparePurge, purgeDocuments } from '../purge/purge.js';
import { documentCopyPath, releaseRecordPath } from '../releases/paths.js';
import { defaultLabel, type ReleaseRecord, ReleaseStore, stripStored } from '../releases/store.js';
import { withExtractedTar } from '../tar/upload-tar.js';
import { throwIfInterrupted, withSignal } from '../targets/interrupt.js';
import { openTarget } from '../targets/open.js';
import { parseTarget } from '../targets/parse.js';
import { withRetries } from '../targets/retry.js';
import type { RemoteHead, RemoteObject, Target } from '../targets/target.js';
import { checkBuild } from './check-build.js';
import { digestForSend, LocalDigests, type SendDigest } from './digest.js';
import { DigestCache } from './digest-cache.js';
import { EarlySends } from './early.js';
import { type PlannedEntry, planUpload } from './plan.js';
import { verifyReachable } from './reachable.js';
import { compareStored } from './same-bytes.js';
import { type Sender, transfer } from './send.js';
import { verifyListing } from './verify.js';

const DEFAULT_CONCURRENCY = 16;
/** The deadline of one request, as the targets default it (TargetOptions.requestTimeoutMs). */
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Upload a build to `s3://` or `file://` storage without ever breaking a page that is already open:
 * immutable and revalidate files first, a verifying listing, then (with `html: true`) the documents that
 * reference them. Files the target already holds are skipped; other bytes under an immutable name stop
 * the upload before any document is written.
 */
export async function upload(options: UploadOptions): Promise<UploadResult> {
  return startUpload(options).finish();
}

/** An upload that may send the build's immutable files before the build is over (see {@link startUpload}). */
export interface UploadSession {
  /**
   * Send these files now, while the build goes on: only `immutable` ones are taken, each once. Resolves
   * when they are in the target; a failure is also thrown by {@link finish}.
   */
  send(files: readonly ManifestFile[], hash?: HashFormat): Promise<void>;
  /**
   * Upload the rest of the build described by `manifest` (else the options' or the directory's), as
   * `upload()`; `digests` as the option of that name (else the options').
   */
  finish(manifest?: Manifest, digests?: ReadonlyMap<string, BuildDigest>): Promise<UploadResult>;
  /** The build failed: wait for the sends in flight and drop their claim. Nothing is published. */
  abort(): Promise<void>;
}

/**
 * Start an upload whose build is not finished: `send()` the hashed files as the bundler writes them,
 * then `finish()` with the manifest. Sent files are claimed by a pending record of their own before any
 * byte goes out, so a prune keeps them; `finish` reuses what they found and sent, and publishes nothing
 * before every asset is verified. `upload()` is `startUpload(options).finish()`.
 */
export function startUpload(options: UploadOptions): UploadSession {
  assertOptions(options, { command: 'upload' });
  if (options.tar !== undefined) {
    const { tar, strip, ...rest } = options;
    // One upload path: the tar's build is uploaded as the folder it extracts to. A tar is a whole
    // build, so there is nothing to send before it.
    const refuse = () =>
      Promise.reject(
        new SkewlessError('INVALID_OPTIONS', "a 'tar' upload is one whole build: call finish() only."),
      );
    return {
      send: refuse,
      abort: async () => {},
      finish: () =>
        withExtractedTar(tar, strip, options.logger ?? silentLogger, (dir) => upload({ ...rest, dir })),
    };
  }
  const dir = resolve(options.dir as string);
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  parseTarget(options.to);
  const publicUrl = options.publicUrl ?? options.verifyUrl;
  if (options.purge?.length && !options.html)
    throw new SkewlessError(
      'INVALID_OPTIONS',
      "'purge' purges the documents this upload publishes, and without 'html' (--html) it publishes none. Add --html, or leave out --purge. Nothing was uploaded.",
    );
  // Before anything is written: a purge that could not run (no token, no SDK) fails the deploy now.
  const purgeTargets = preparePurge(options.purge ?? [], publicUrl);
  const retry = {
    attempts: options.attempts ?? 5,
    baseDelayMs: options.retryDelayMs ?? 200,
    onRetry: (error: unknown, attempt: number, delay: number, asked?: number) =>
      logger.debug(
        `attempt ${attempt} failed (${(error as Error)?.message}); retrying in ${delay} ms${asked === undefined ? '' : ` (the server asked for ${asked} ms with Retry-After)`}`,
      ),
  };
  // Each file's MD5 is computed once per upload, by whichever step reads the file first.
  const digests = new LocalDigests(dir);
  let opened: Promise<{ target: Target; store: ReleaseStore }> | undefined;
  const open = () => {
    opened ??= openTarget(options).then((t) => {
      const target = withSignal(withRetries(t, retry), options.signal);
      return { target, store: new ReleaseStore(target) };
    });
    return opened;
  };
  let early: EarlySends | undefined;
  let done = false;
  const context = { dir, digests, concurrency, force: options.force ?? false, logger, open };
  return {
    send: (files, hash) => {
      // A dry run writes nothing, early or late; after finish() or abort() nothing more is sent.
      if (options.dryRun || done) return Promise.resolve();
      early ??= new EarlySends(context, hash);
      return early.send(files);
    },
    abort: async () => {
      if (done || !opened) return;
      done = true;
      const { target } = await opened;
      try {
        await early?.release(target);
      } finally {
        await target.close();
      }
    },
    finish: async (given, handed) => {
      if (done) throw new SkewlessError('INVALID_OPTIONS', 'this upload was finished or aborted already.');
      done = true;
      try {
        // The early sends may still be in flight: finish() checks the build and writes the release's
        // record meanwhile, and waits for them before it lists (see finish).
        const { manifest, walked } = await resolveManifest(
          dir,
          given ?? options.manifest,
          options.hash,
          logger,
        );
        return await finish(
          { ...options, dir, logger, concurrency, started, purgeTargets, publicUrl, retry },
          { manifest, walked, digests, early, open, handed: handed ?? options.digests },
        );
      } catch (error) {
        // Nothing was published: the claim of the files sent early goes (the release's own pending
        // record, if one was written, expires like any failed upload's).
        if (early && opened) await early.release((await opened).target).catch(() => {});
        throw error;
      } finally {
        if (opened) await (await opened).target.close();
      }
    },
  };
}

/** What {@link startUpload} settled before the upload's own steps. */
interface Settled extends UploadOptions {
  dir: string;
  logger: Logger;
  concurrency: number;
  started: number;
  purgeTargets: ReturnType<typeof preparePurge>;
  publicUrl: string | undefined;
  retry: { attempts: number; baseDelayMs: number };
}

async function finish(
  options: Settled,
  build: {
    manifest: Manifest;
    walked: boolean;
    digests: LocalDigests;
    early: EarlySends | undefined;
    open: () => Promise<{ target: Target; store: ReleaseStore }>;
    handed: ReadonlyMap<string, BuildDigest> | undefined;
  },
): Promise<UploadResult> {
  const { logger, dir, concurrency, started, purgeTargets, publicUrl, retry, manifest, walked } = {
    ...options,
    ...build,
  };
  const { digests, early } = build;
  // A manifest built by walking the directory matches it by construction; only an empty one is refused.
  const check =
    !walked || manifest.files.length === 0
      ? await checkBuild(dir, manifest, !options.manifest, await DigestCache.open(dir), build.handed)
      : undefined;
  const checked = check?.checked ?? new Map<string, SendDigest>();
  if (check?.handed)
    logger.debug(
      `${check.handed} of ${manifest.files.length} file(s) unchanged on disk since the manifest step read them: checked by its digests without reading them again`,
    );
  if (check?.unchanged)
    logger.debug(
      `${check.unchanged} of ${manifest.files.length} file(s) unchanged on disk since they were last hashed (size, inode, times): checked by their digests without reading them`,
    );
  const report = (p: Omit<UploadProgress, 'totalFiles' | 'totalBytes'>, total: UploadPlanEntry[]) =>
    options.onProgress?.({
      ...p,
      totalFiles: total.length,
      totalBytes: total.reduce((n, e) => n + e.bytes, 0),
    });

  const { target, store } = await build.open();
  report({ phase: 'list', files: 0, bytes: 0 }, []);
  // Before anything is listed or sent: the release's record, pending, so a prune that runs meanwhile
  // keeps its files; then no listing while a prune holds the store (see prune.ts).
  const record = options.dryRun
    ? undefined
    : await begin(
        store,
        recordManifest(manifest, options.includePrivate ?? false),
        options.label ?? defaultLabel(),
        logger,
      );
  // The early sends went on while the build was checked and the record written (it covers their files
  // too, so a prune that reads it keeps them); the listing below is taken after every one of them.
  if (early) {
    try {
      await early.settled();
    } catch (error) {
      // As for a conflict found below: a record this upload created would only mislead prune.
      if (record?.fresh && error instanceof SkewlessError && error.code === 'IMMUTABLE_CONFLICT')
        await target.remove(releaseRecordPath(manifest.release)).catch(() => {});
      throw error;
    }
  }
  // The release's own record covers the files sent early now: their claim goes.
  if (early && record) await early.release(target);
  const paths = manifest.files.map((f) => f.path);
  const remote = await target.list(paths);
  logger.debug(`${target.url} holds ${remote.size} object(s)`);
  for (const [path, md5] of check?.md5s ?? []) digests.remember(path, md5);
  const sentEarly = reuseEarly(early, manifest);
  const rest = await planUpload({
    manifest: { ...manifest, files: manifest.files.filter((f) => !sentEarly.has(f.path)) },
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
  let next = 0;
  const plan = manifest.files.map((f) => sentEarly.get(f.path) ?? rest[next++]!);
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
    // Nothing of the release was sent: a record this upload created would only mislead prune.
    if (record?.fresh) await target.remove(releaseRecordPath(manifest.release));
    throw new SkewlessError(
      'IMMUTABLE_CONFLICT',
      `${target.url} already holds other bytes under ${conflicts.length} immutable name(s): ${conflicts.join(', ')}. Nothing was written. A hashed name must never change its bytes: check that the build is deterministic ('skewless check-determinism') and the hash length; pass --force only to repair a bucket.`,
    );
  }

  const send: Sender = { target, manifest, dir, digests, checked, concurrency };
  const assets = plan.filter(
    (e) => e.action === 'upload' && e.class !== 'document' && !sentEarly.has(e.path),
  );
  await transfer(send, 'assets', [assets], (p) => report(p, assets));
  const present = plan.filter(
    (e) => (e.action === 'upload' || e.action === 'skip') && e.class !== 'document',
  );
  report({ phase: 'verify', files: 0, bytes: 0 }, []);
  if (present.length > 0) {
    // Only where the server does not call its ETag an MD5 (SSE-KMS) may the stored sha256 settle it.
    const confirm = async (e: PlannedEntry) =>
      (await compareStored(await target.head(e.path), e.file, digests)) === 'same';
    // The listing the plan was made from already showed every file present with its bytes (a file is
    // skipped only on that evidence, and it was taken after the early sends had settled), so when
    // nothing was written since, listing again would re-read the same answer: it is listed again only
    // after a write.
    const wrote = assets.length > 0;
    await verifyListing(present, wrote ? await target.list(paths) : remote, target.url, digests, confirm);
  }
  // Through the CDN too, when its URL is known: only files confirmed in storage, so no probe makes the
  // CDN cache a 404.
  if (options.verifyUrl) {
    const immutable = present.filter((e) => e.class === 'immutable').map((e) => e.file);
    const reached = await verifyReachable({
      baseUrl: options.verifyUrl,
      files: immutable,
      concurrency,
      timeoutMs: options.requestTimeoutMs,
    });
    logger.info(`${reached.checked} immutable file(s) answer with their bytes through ${options.verifyUrl}`);
  }

  // The release goes current once its assets are verified, and before its documents: its record (with
  // copies of its documents, for a rollback without the build) says what a tab on it needs. The
  // pointer and the documents go under the publish lock, so two uploads at once cannot leave one
  // release's HTML with the other's skewless.json; the documents are planned again under it, against
  // what the other upload may have published meanwhile.
  throwIfInterrupted(options.signal, target);
  let documents = plan.filter((e) => e.action === 'upload' && e.class === 'document');
  if (record && (!record.current || documents.length > 0)) {
    const since = performance.now();
    const unlock = await store.lockPublish(
      `${manifest.release}-${process.pid}`,
      () => record.record.uploaded + (performance.now() - since),
      (held) =>
        logger.info(
          `another upload is publishing to ${target.url} (since ${new Date(held).toISOString()}): waiting for it to finish.`,
        ),
    );
    try {
      const before = record.record.documents.join('\n');
      if (options.html) record.record.documents = await storeDocuments(send, plan, remote);
      if (!record.current) {
        const replaced = await store.makeCurrent(record.record);
        logger.debug(`release ${manifest.release} is current${replaced ? `; ${replaced} is retired` : ''}`);
      } else if (record.record.documents.join('\n') !== before) {
        await store.write(record.record);
      }
      let now: PublishedNow | undefined;
      if (options.html) {
        now = await publishedNow(target, manifest, concurrency);
        const heads = now.heads;
        const replanned = await planUpload({
          manifest: { ...manifest, files: manifest.files.filter((f) => f.class === 'document') },
          dir,
          digests,
          key: (path) => target.key(path),
          remote: now.objects,
          head: (path) => (heads?.has(path) ? Promise.resolve(heads.get(path)) : target.head(path)),
          html: true,
          includePrivate: false,
          force: false,
          concurrency,
        });
        // Every document's entry says what was done: one another upload already put there is a skip.
        for (const e of replanned) {
          const entry = plan.find((p) => p.path === e.path);
          if (entry) Object.assign(entry, { action: e.action, reason: e.reason });
        }
        documents = replanned.filter((e) => e.action === 'upload');
      }
      if (now && !now.heads) await checkPrecache(manifest, dir, now.objects, target.url);
      // HTML first, then the control files (a service worker that installs must find the new HTML to
      // precache), then the release file, last and alone: the runtime reloads when it changes, and that
      // reload must find the new HTML already in place.
      const releaseFile = releaseFileOf(manifest);
      const control = (e: PlannedEntry) => e.path !== releaseFile && isControlFile(e.path, manifest.hash);
      const waves = [
        documents.filter((e) => e.path !== releaseFile && !control(e)),
        documents.filter(control),
        documents.filter((e) => e.path === releaseFile),
      ];
      await transfer(send, 'documents', waves, (p) => report(p, documents));
    } finally {
      await unlock().catch(() => {});
    }
  }

  // Only now, with skewless.json written: a CDN that refetched a document earlier could cache the old
  // one again. Every document of the release is purged, not only those sent, so a re-run after a failed
  // purge purges again.
  let purged: UploadResult['purge'];
  if (purgeTargets.length > 0) {
    const published = plan
      .filter((e) => e.class === 'document' && (e.action === 'upload' || e.action === 'skip'))
      .map((e) => e.path);
    purged = await purgeDocuments(purgeTargets, published, manifest.release, {
      purge: options.purge ?? [],
      publicUrl,
      key: (path) => target.key(path),
      credentials: options.credentials,
      profile: options.profile,
      attempts: retry.attempts,
      retryDelayMs: retry.baseDelayMs,
      timeoutMs: options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      logger,
    });
  }

  report({ phase: 'done', files: 0, bytes: 0 }, []);
  return { ...result(), ...(purged ? { purge: purged } : {}) };
}

/**
 * Write the release's record as `pending` before any of its assets, unless the release is already the
 * current one (a re-run sends nothing), then wait while a prune holds the store. Returns the record, and
 * whether the release was current already.
 */
/**
 * The plan entries of the files sent early, for the final manifest's files: a file whose bytes changed
 * since it was sent (a later plugin rewrote it) stops the upload, since its hashed name holds the old ones.
 */
function reuseEarly(early: EarlySends | undefined, manifest: Manifest): Map<string, PlannedEntry> {
  const reused = new Map<string, PlannedEntry>();
  if (!early) return reused;
  const changed: string[] = [];
  for (const file of manifest.files) {
    const entry = early.entries.get(file.path);
    if (!entry) continue;
    if (entry.file.sha256 !== file.sha256 || entry.file.bytes !== file.bytes) changed.push(entry.key);
    else reused.set(file.path, { ...entry, file });
  }
  if (changed.length > 0) {
    throw new SkewlessError(
      'IMMUTABLE_CONFLICT',
      `${changed.length} hashed file(s) changed after the bundler wrote them and they were sent: ${changed.join(', ')}. No document was published. A plugin rewrites them after writeBundle; set upload.early to false, or make that plugin run before the files are named.`,
    );
  }
  return reused;
}

/**
 * The manifest as the release's record keeps it, in the target's prefix, which may be public: the files
 * it uploads (private ones only with `includePrivate`), without the bundler's source names.
 */
function recordManifest(manifest: Manifest, includePrivate: boolean): Manifest {
  return {
    ...manifest,
    files: manifest.files
      .filter((f) => includePrivate || f.class !== 'private')
      .map(({ source: _source, ...file }) => file),
  };
}

async function begin(
  store: ReleaseStore,
  manifest: Manifest,
  label: string | undefined,
  logger: Logger,
): Promise<{ record: ReleaseRecord; current: boolean; fresh: boolean }> {
  const stored = await store.read(manifest.release);
  const current = await store.current();
  if (stored && !stored.legacy && stored.state === 'live' && current === manifest.release)
    return { record: stripStored(stored), current: true, fresh: false };
  const record: ReleaseRecord = {
    record: 1,
    release: manifest.release,
    ...(label ? { label } : stored?.label ? { label: stored.label } : {}),
    state: 'pending',
    uploaded: 0,
    clock: Date.now(),
    documents: stored?.documents ?? [],
    manifest,
  };
  try {
    record.uploaded = await store.write(record);
  } catch (error) {
    if (error instanceof SkewlessError) throw error;
    throw new SkewlessError(
      'UPLOAD_FAILED',
      `storing the record of release ${manifest.release} in ${store.target.url} failed: ${(error as Error)?.message ?? String(error)}. Nothing was sent (prune could not see this release); run the upload again.`,
      { cause: error },
    );
  }
  await store.waitForPrune(record.uploaded, logger);
  return { record, current: false, fresh: stored === undefined };
}

/** The documents' state under the publish lock: a listing, or (few documents) a HEAD of each. */
interface PublishedNow {
  objects: ReadonlyMap<string, RemoteObject>;
  /** The HEADs the objects came from, when they did (a path absent here was not found). */
  heads?: ReadonlyMap<string, RemoteHead | undefined>;
}

/** Up to this many documents, and no precaching service worker, they are HEADed rather than listed. */
const HEAD_DOCUMENTS_UP_TO = 20;

/**
 * What the documents' keys hold now, read under the publish lock. A listing reads every key of the
 * prefix (3 pages for 2,000 assets, 156-359 ms each time against s3rver), where a build's few
 * documents are known by name: they are HEADed, at once. A service worker that precaches needs every
 * key (see {@link checkPrecache}), and so do many documents: then the prefix is listed.
 */
async function publishedNow(target: Target, manifest: Manifest, concurrency: number): Promise<PublishedNow> {
  const documents = manifest.files.filter((f) => f.class === 'document');
  const precaches = documents.some((f) => isWorkerDocument(f, manifest));
  if (precaches || documents.length > HEAD_DOCUMENTS_UP_TO)
    return { objects: await target.list(manifest.files.map((f) => f.path)) };
  const heads = new Map<string, RemoteHead | undefined>();
  const objects = new Map<string, RemoteObject>();
  await mapLimit(documents, concurrency, async (f) => {
    const head = await target.head(f.path);
    heads.set(f.path, head);
    if (head)
      objects.set(f.path, { path: f.path, size: head.size, etag: head.etag, modified: head.modified });
  });
  return { objects, heads };
}

/** A script published as a document because it names the release's files: a service worker that may precache. */
function isWorkerDocument(file: Manifest['files'][number], manifest: Manifest): boolean {
  return file.class === 'document' && /\.m?js$/.test(file.path) && isControlFile(file.path, manifest.hash);
}

/**
 * Refuse to publish a service worker that precaches a file the target does not hold: it would fail to
 * install (Workbox stops at the first missing entry) or, worse, precache whatever the CDN answers. Files
 * of this release's documents count as held: they are published before the worker.
 */
async function checkPrecache(
  manifest: Manifest,
  dir: string,
  listing: ReadonlyMap<string, RemoteObject>,
  where: string,
): Promise<void> {
  const ours = new Set(manifest.files.filter((f) => f.class === 'document').map((f) => f.path));
  const problems: string[] = [];
  for (const worker of manifest.files) {
    if (!isWorkerDocument(worker, manifest)) continue;
    const source = await readFile(join(dir, ...worker.path.split('/')), 'utf8');
    for (const url of precacheUrls(source)) {
      const path = precachePath(url, worker.path, manifest.base);
      if (path !== undefined && !ours.has(path) && !listing.has(path))
        problems.push(`${worker.path} precaches ${url}`);
    }
  }
  if (problems.length > 0) {
    throw new SkewlessError(
      'VERIFY_FAILED',
      `${problems.length} precached file(s) are not in ${where}: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''}. No document was published: a service worker that precaches a missing file fails to install. Rebuild so the worker and the build agree, then upload again.`,
    );
  }
}

/**
 * Copy the release's documents beside its record (`.skewless/documents/<id>/`), so a
 * rollback can publish them again without the build directory. A copy already there is kept: its key
 * names the release, whose id is derived from every file's bytes.
 */
async function storeDocuments(
  send: Sender,
  plan: readonly PlannedEntry[],
  remote: ReadonlyMap<string, RemoteObject>,
): Promise<string[]> {
  const documents = plan.filter((e) => e.class === 'document' && e.action !== 'omit');
  await mapLimit(documents, send.concurrency, async ({ file }) => {
    const path = documentCopyPath(send.manifest.release, file.path);
    if (remote.get(path)?.size === file.bytes) return;
    const local = join(send.dir, ...file.path.split('/'));
    // The digest of the check before the upload, when there was one: the document is sent again below
    // from the same bytes, so it is read once.
    const digest = send.checked.get(file.path) ?? (await digestForSend(local));
    if (digest.sha256 !== file.sha256) {
      throw new SkewlessError(
        'INVALID_MANIFEST',
        `${local} has other bytes than the manifest says (sha256 differs): the manifest is out of date. Rebuild, then upload again.`,
      );
    }
    await send.target.put({
      path,
      file: local,
      body: digest.body,
      bytes: digest.bytes,
      sha256: digest.sha256,
      md5: digest.md5,
      contentType: file.contentType,
      cacheControl: 'no-cache',
      release: send.manifest.release,
      ifNoneMatch: false,
    });
  });
  return documents.map((e) => e.path);
}

/** The plugin's manifest, else the one in the directory, else one built by walking it (container flow). */
async function resolveManifest(
  dir: string,
  given: Manifest | undefined,
  hash: HashFormat | undefined,
  logger: Logger,
): Promise<{ manifest: Manifest; walked: boolean }> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      info
        ? `${dir} is a file, not a build directory. Pass the folder the build writes (e.g. dist), or a tar with --from-tar.`
        : `the build directory ${dir} does not exist. Build first, or pass the right directory.`,
    );
  }
  // Only the build's own regular files go up: a link could send a file from anywhere on the machine
  // (a manifest entry that is one), or be left out without a word (a bare directory's).
  const links = await symlinksIn(dir);
  if (links.length > 0) {
    const shown = await Promise.all(
      links.slice(0, 5).map(async (l) => `${l} → ${await readlink(join(dir, l)).catch(() => '?')}`),
    );
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `${dir} holds ${links.length} symbolic link(s): ${shown.join(', ')}${links.length > 5 ? ', …' : ''}. Nothing was written. Skewless uploads only the build's regular files; replace each link with a copy of its file (or remove it), then upload again.`,
    );
  }
  if (given) {
    checkManifestNames(given, 'the manifest passed to upload()');
    return { manifest: given, walked: false };
  }
  const found = await readManifest(dir);
  if (found) {
    if (hash && (hash.length !== found.hash.length || hash.characters !== found.hash.characters))
      logger.warn(
        `the hash format given (${hash.length} ${hash.characters}) is not used: ${dir} has a manifest, which says ${found.hash.length} ${found.hash.characters}.`,
      );
    return { manifest: found, walked: false };
  }
  const manifest = await createManifest({ dir, hash });
  logger.info(`no manifest in ${dir}: classifying files by name. ${bareDirectorySummary(manifest)}`);
  const unhashed = manifest.files.filter((f) => /\.(m?js|css)$/.test(f.path) && f.class !== 'immutable');
  if (unhashed.length > 0 && !manifest.files.some((f) => f.class === 'immutable'))
    logger.warn(
      `none of the ${unhashed.length} script(s) and stylesheet(s) in ${dir} has a content-hashed name (${unhashed[0]!.path}${unhashed.length > 1 ? ', …' : ''}), so no file is cached as immutable and every one revalidates. If the bundler hashes names with another length or alphabet, pass --hash-length and --hash-characters (the engine's \`hash\` option); if it does not hash them, configure it to ([name]-[hash].js).`,
    );
  return { manifest, walked: true };
}

/** One line on how a bare directory was classed: the hash shape it was read with, and the counts. */
function bareDirectorySummary(manifest: Manifest): string {
  const count = (cls: string) => manifest.files.filter((f) => f.class === cls).length;
  const alphabet = manifest.hash.characters === 'hex' ? 'hex' : 'base64url';
  const folders = FRAMEWORK_IMMUTABLE_FOLDERS.filter((folder) =>
    manifest.files.some((f) => f.path.startsWith(folder)),
  );
  const also =
    folders.length > 0
      ? `, and so is every file in ${folders.join(' and ')} (the framework's own hashed names)`
      : '';
  return `Names with -<${manifest.hash.length} ${alphabet} characters>. before the extension are immutable${also}: ${count('immutable')} immutable, ${count('revalidate')} revalidate, ${count('document')} document(s).`;
}
