/**
 * Public types of the Skewless engine. The manifest type is defined here once and used by the
 * Vite plugin (which writes it), the uploader and origin middleware (which read it), and documented
 * for the runtime (which reads only the tiny release file).
 */

import type { Logger } from './logger.js';

/**
 * How a file may be cached, decided once per file and carried into every header Skewless sets.
 *
 * - `immutable`: the name carries a content hash; the bytes behind the name never change.
 * - `revalidate`: a stable name whose bytes may change between releases (files from `public/`).
 * - `document`: an entry point that points at hashed files (HTML, a service worker, the release
 *   file); always revalidated, and published only after every file it references.
 * - `private`: not for the public bucket or CDN (source maps unless opted in, dot files but .well-known).
 */
export type CacheClass = 'immutable' | 'revalidate' | 'document' | 'private';

/** The alphabet of content hashes in file names. */
export type HashCharacters = 'hex' | 'base64';

/** How hashed names look in a build: used to recognise them and to generate CDN rules. */
export interface HashFormat {
  /**
   * Characters of hash in a name (`[name]-[hash:8]`).
   * @default 8
   */
  length: number;
  /**
   * `hex` (`[a-f0-9]`) or `base64` (URL-safe base64: `[A-Za-z0-9_-]`).
   * @default 'hex'
   */
  characters: HashCharacters;
}

/** One file of a build output directory. */
export interface ManifestFile {
  /** Path relative to the output directory, with `/` separators, e.g. `assets/index-1a2b3c4d.js`. */
  path: string;
  /** Size in bytes. */
  bytes: number;
  /** SHA-256 of the bytes, lowercase hex. */
  sha256: string;
  /** The same digest as a Subresource Integrity string, `sha256-<base64>`. */
  integrity: string;
  /** The Content-Type to serve, with `charset=utf-8` for text types. */
  contentType: string;
  /** The cache class; see {@link CacheClass}. */
  class: CacheClass;
  /** The Cache-Control header for this file's class. */
  cacheControl: string;
  /** The logical source name the bundler gave this file (entry or module name), when known. */
  source?: string;
  /** For HTML files: the manifest paths this document references (scripts, styles, preloads, icons). */
  references?: string[];
}

/** The manifest Skewless writes into the output directory (see {@link MANIFEST_PATH}). */
export interface Manifest {
  /** Format version of this document. */
  version: 1;
  /**
   * Release id derived from the content of every file (same build → same id), 16 hex characters.
   * The release file and the manifest itself are not part of the digest.
   */
  release: string;
  /** Hash format used for names in this build. */
  hash: HashFormat;
  /** The public base path the build was made for (Vite's `base`), e.g. `/`, `./` or `/admin/`. */
  base: string;
  /** The folder, relative to the output directory, that holds emitted assets (Vite's `assetsDir`). */
  assetsDir: string;
  /**
   * Where the release file is, relative to the output directory, when not at `skewless.json` (see the
   * plugin's `releaseFile` option). Use {@link releaseFileOf} to read it.
   */
  releaseFile?: string;
  /** Every file of the output directory except the manifest itself, sorted by path. */
  files: ManifestFile[];
}

/** The tiny release file (see {@link RELEASE_FILE}) that the runtime fetches to detect a new deploy. */
export interface ReleaseInfo {
  /** The release id of the build that wrote this file. */
  release: string;
}

/** Cache-Control values per class. */
export type CacheControlMap = Record<CacheClass, string>;

/** What happened, or will happen in a dry run, to one manifest file. */
export type UploadAction = 'upload' | 'skip' | 'conflict' | 'omit';

/** One line of the upload plan. */
export interface UploadPlanEntry {
  /** Path relative to the build directory. */
  path: string;
  /** Object key (or path below a `file://` target) the file is written to. */
  key: string;
  /** The file's cache class. */
  class: CacheClass;
  /** Size in bytes. */
  bytes: number;
  /**
   * `upload`: sent (or would be, in a dry run); `skip`: the target already holds these bytes;
   * `conflict`: the target holds other bytes under an immutable name; `omit`: not for this target
   * (a `private` file, or a document without `html: true`).
   */
  action: UploadAction;
  /** Why the planner chose the action, for `--verbose` and `--json`. */
  reason: string;
}

/** Progress of an upload, reported after every settled file and at each phase change. */
export interface UploadProgress {
  /** `list`: reading what the target holds; `assets`: immutable and revalidate files; `verify`: a second listing; `documents`: HTML and other documents; `done`. */
  phase: 'list' | 'assets' | 'verify' | 'documents' | 'done';
  /** Files settled (uploaded) so far. */
  files: number;
  /** Files to upload in total. */
  totalFiles: number;
  /** Bytes uploaded so far. */
  bytes: number;
  /** Bytes to upload in total. */
  totalBytes: number;
  /** The key that just settled, when the event is about one file. */
  key?: string;
}

/** Static credentials. Never printed, logged or written anywhere by Skewless. */
export interface UploadCredentials {
  /** The access key id. */
  accessKeyId: string;
  /** The secret access key. */
  secretAccessKey: string;
  /** A session token, for temporary credentials. */
  sessionToken?: string;
}

/** How to reach a target and how hard to try: shared by {@link UploadOptions} and {@link PruneOptions}. */
export interface TargetOptions {
  /**
   * List the target and compute the plan, but write nothing.
   * @default false
   */
  dryRun?: boolean;
  /**
   * Requests in flight at once.
   * @default 16
   */
  concurrency?: number;
  /**
   * S3 endpoint URL (R2, MinIO, a local server). Falls back to `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL`.
   * @default undefined (AWS S3)
   */
  endpoint?: string;
  /**
   * S3 region. Falls back to the AWS SDK's chain (`AWS_REGION`, then the `region` of the profile), then
   * `AWS_DEFAULT_REGION`, then `us-east-1` when an endpoint is set.
   * @default undefined
   */
  region?: string;
  /**
   * The AWS profile (a section of `~/.aws/config` / `~/.aws/credentials`) that credentials and region
   * come from, as `AWS_PROFILE` would choose it. Passed to the S3 client as its `profile`.
   * @default undefined (`AWS_PROFILE`, else `default`)
   */
  profile?: string;
  /**
   * Path-style addressing (`endpoint/bucket/key`), which most S3-compatible servers need.
   * @default true when an endpoint is set, else false
   */
  forcePathStyle?: boolean;
  /**
   * Static credentials. Without them the standard AWS chain is used (`AWS_ACCESS_KEY_ID` /
   * `AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, SSO, instance roles). Never printed.
   * @default undefined
   */
  credentials?: UploadCredentials;
  /**
   * Attempts per request on retryable failures (5xx, SlowDown, throttling, timeouts, connection resets),
   * with exponential backoff and full jitter starting at `retryDelayMs`.
   * @default 5
   */
  attempts?: number;
  /**
   * First backoff delay in milliseconds; doubles each attempt.
   * @default 200
   */
  retryDelayMs?: number;
  /**
   * Deadline of one request in milliseconds, from connecting to the last byte of the answer: a silent
   * server, or one that answers a byte at a time, fails the attempt, which is retried, so a stalled or
   * dripping socket never hangs an upload, a prune or a rollback.
   * @default 60000
   */
  requestTimeoutMs?: number;
  /**
   * Where the engine reports what it does.
   * @default silentLogger
   */
  logger?: Logger;
}

/**
 * One file as it was read for the manifest: its digests, its bytes when small, and how it stood on disk
 * just before the read (`stat` with `bigint: true`, as decimal strings): a later write moves the
 * status-change time, which no tool can set back, so a file that still stands so was not written since.
 */
export interface BuildDigest {
  sha256: string;
  /** MD5, lowercase hex: what S3 puts in a single-part ETag. */
  md5: string;
  bytes: number;
  /** The bytes read, for small files (up to a budget); the upload sends these instead of reading again. */
  body?: Buffer;
  /** Size, inode, modification and status-change times (ns) before the read. */
  stood: FileStanding;
}

/** How a file stands on disk, from `stat(path, { bigint: true })`: any write changes `ctime`. */
export interface FileStanding {
  size: string;
  ino: string;
  mtime: string;
  ctime: string;
}

/** Options of {@link upload}: one build directory to one target. */
export interface UploadOptions extends TargetOptions {
  /** The build output directory. Required unless {@link UploadOptions.tar} names a tar of it instead. */
  dir?: string;
  /**
   * A tar of the build to upload instead of `dir` (the container flow: `skewless pack` in the image, the
   * upload outside it): a file's path, or `'-'` for standard input. Plain or gzipped. It is extracted into
   * a private temporary folder (removed afterwards, also on failure) and uploaded exactly as that folder
   * would be. Entries that could land outside the folder (`../`, absolute paths) and anything but regular
   * files and folders (links, devices) are refused before anything is uploaded.
   * @default undefined (upload `dir`)
   */
  tar?: string;
  /**
   * Leading path parts to remove from every tar entry (as GNU tar's `--strip-components`): 1 for a tar of
   * `dist/` made with `tar -c dist`. A leading `./` is never counted.
   * @default 0, or 1 when the tar holds one folder with `.skewless/manifest.json` in it and nothing else
   */
  strip?: number;
  /** The target: `s3://bucket/prefix` or `file:///absolute/path`. */
  to: string;
  /**
   * The hash format of the build's names, for a build without a manifest (a manifest names its own).
   * @default read from the names: 8 hex or 8 base64url characters, whichever more names carry
   */
  hash?: HashFormat;
  /**
   * The build's manifest. When absent, `<dir>/.skewless/manifest.json` is read; when that is absent too,
   * one is built by walking `dir` and classing files by name (the container flow).
   * @default undefined
   */
  manifest?: Manifest;
  /**
   * What the step that just wrote the manifest read of each file (the bundler plugin hands these over),
   * by manifest path: the upload's check before anything is written takes a file whose size, inode and
   * times still stand as they did when it was read, instead of reading and hashing it again; any other
   * file is read and checked as without them. A small file's bytes, when given, are the ones sent.
   * @default none: every file is read
   */
  digests?: ReadonlyMap<string, BuildDigest>;
  /**
   * Also upload `document` files (HTML, the release file), after every asset is verified. Off by default
   * because in the container flow the HTML ships inside the image.
   * @default false
   */
  html?: boolean;
  /**
   * Overwrite immutable keys that hold other bytes instead of stopping. Only for repairing a bucket.
   * @default false
   */
  force?: boolean;
  /**
   * Canned ACL. New AWS buckets disable ACLs, so none is sent unless asked for.
   * @default undefined
   */
  acl?: 'public-read';
  /**
   * Extra headers for every object, e.g. `{ 'x-amz-storage-class': 'STANDARD_IA' }` or `Content-Language`.
   * @default {}
   */
  headers?: Record<string, string>;
  /**
   * Upload `private` files too (source maps, bundler bookkeeping).
   * @default false
   */
  includePrivate?: boolean;
  /**
   * Files at or above this size go up as multipart uploads (aborted on failure).
   * @default 16 MiB
   */
  multipartThreshold?: number;
  /**
   * Called after every settled file and at each phase change (the CLI draws its progress line from it).
   * @default undefined
   */
  onProgress?: (progress: UploadProgress) => void;
  /**
   * Stops the upload when aborted (the CLI aborts on SIGINT and SIGTERM): no new file is sent, the
   * multipart uploads in flight are aborted so the server frees their parts, and no document is
   * published; the upload rejects. Running the same upload again finishes it.
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * The build's public URL through the CDN, e.g. `https://cdn.example.com/app/`. When set, once the assets
   * are verified in storage, every immutable file is requested through it and must answer 200 with its
   * bytes before any document is published.
   * @default undefined (no check through the CDN)
   */
  verifyUrl?: string;
  /**
   * CDNs to purge once the documents are published (`upload` with `html`, and `rollback`), so a CDN that
   * caches HTML serves the new release at once: `cloudfront:<distribution-id>` (an invalidation of the
   * document paths; needs the optional peer `@aws-sdk/client-cloudfront`), `cloudflare:<zone-id>` (by URL,
   * needs `publicUrl`), `cloudflare:<zone-id>:tags` (the `skewless-document` cache tag),
   * `fastly:<service-id>` (the `skewless-document` surrogate key; `:soft` for a soft purge). Tokens come
   * from `CLOUDFLARE_API_TOKEN` / `FASTLY_API_TOKEN` only. A failed purge never fails or undoes the
   * deploy: it is reported in the result's `purge`.
   * @default [] (no purge)
   */
  purge?: string[];
  /**
   * The public URL the documents are served at, e.g. `https://www.example.com/app/`: a purge by URL needs
   * its host, and its path replaces the target's prefix in CloudFront paths.
   * @default `verifyUrl` when set, else none (paths are the target's keys: `/<prefix>/<path>`)
   */
  publicUrl?: string;
  /**
   * A name for the release in `skewless releases` and `rollback --release`, such as a commit or a
   * version. Up to 100 printable characters.
   * @default the CI's commit variable when one is set (`GITHUB_SHA`, `CI_COMMIT_SHA`, …), else none
   */
  label?: string;
}

/** The plugin's `upload` option: {@link UploadOptions} and what only a build can do. */
export interface BuildUploadOptions extends UploadOptions {
  /**
   * Start sending the build's hashed (immutable) files in the bundler's `writeBundle`, while the rest of
   * the build runs; the documents still wait for the end of the build and for every asset to be verified.
   * @default true
   */
  early?: boolean;
}

/** Options of {@link pack}: one build directory to one tar. */
export interface PackOptions {
  /** The build output directory (with its `.skewless/manifest.json`). */
  dir: string;
  /** Where the tar goes: a file's path, or a writable stream such as `process.stdout`. */
  out: string | NodeJS.WritableStream;
  /**
   * Where messages go.
   * @default silentLogger
   */
  logger?: Logger;
}

/** What {@link pack} wrote. */
export interface PackResult {
  /** Files in the tar. */
  files: number;
  /** Their bytes, before the tar's headers. */
  bytes: number;
  /** The release id of the build's manifest, or undefined when the directory has none. */
  release?: string;
}

/** What {@link upload} did. */
export interface UploadResult {
  /** The release id of the uploaded build. */
  release: string;
  /** The target, as given (`s3://…` or `file://…`). */
  target: string;
  /** Whether this was a dry run (nothing written). */
  dryRun: boolean;
  /** Files selected for the target (uploaded, skipped or in conflict). */
  planned: number;
  /** Files written (in a dry run: files that would be written). */
  uploaded: number;
  /** Files the target already held with the same bytes. */
  skipped: number;
  /** Bytes written (in a dry run: bytes that would be written). */
  bytes: number;
  /** Wall-clock seconds the upload took. */
  seconds: number;
  /** Keys that hold other bytes under an immutable name (empty unless the upload was refused or forced). */
  conflicts: string[];
  /** The per-file plan, sorted by path. */
  files: UploadPlanEntry[];
  /** One report per `purge` entry, after the documents were published; absent when none was asked. */
  purge?: PurgeReport[];
}

/** What one CDN purge did. A failed one leaves the published documents live. */
export interface PurgeReport {
  /** The `purge` entry, as given (ids only: never a token). */
  target: string;
  /** Whether the CDN accepted every request. */
  ok: boolean;
  /** What was purged: paths (CloudFront), URLs or tags (Cloudflare), surrogate keys (Fastly). */
  items: string[];
  /** Why it failed, when it did (never the token). */
  error?: string;
  /** A command that purges the same by hand (tokens as environment variables, never their values). */
  manual: string;
}

/** Options of {@link prune}: remove what only old, long-retired releases reference. */
export interface PruneOptions extends TargetOptions {
  /** The target: `s3://bucket/prefix` or `file:///absolute/path`, as given to `upload`. */
  to: string;
  /**
   * Releases to keep, newest first by when they were uploaded. The current release and releases still
   * being uploaded are kept too, whatever their age.
   * @default 10
   */
  keep?: number;
  /**
   * A release beyond `keep` is dropped only once it was retired (replaced as current) at least this long
   * ago, in milliseconds: a tab opened on it lives on after it was replaced, not after it was created.
   * Both rules must allow a drop.
   * @default 604800000 (7 days)
   */
  minAgeMs?: number;
  /**
   * CDNs to purge once the objects are deleted, so a CDN stops serving its copies of them: the deleted
   * files' paths (`cloudfront:<distribution-id>`) or URLs (`cloudflare:<zone-id>`, needs `publicUrl`),
   * or the dropped releases' ids, the tag and surrogate key `@skewless/origin` sends with a release's
   * files (`cloudflare:<zone-id>:tags`, `fastly:<service-id>[:soft]`). Not needed for correctness (a
   * cached copy is a deleted file's own bytes, under a name no kept release uses) and each purged path
   * may be billed. Tokens as for {@link UploadOptions.purge}. A failed purge is reported in the result's
   * `purge`; the deletions stand.
   * @default [] (no purge)
   */
  purge?: string[];
  /**
   * The build's public URL, e.g. `https://cdn.example.com/app/`: the base of the purged URLs (and of
   * CloudFront paths); as {@link UploadOptions.publicUrl}.
   * @default none (paths are the target's keys: `/<prefix>/<path>`)
   */
  publicUrl?: string;
}

/** Options of `doctor`: find, and with `fix` abort, multipart uploads left open under the target. */
export interface DoctorOptions extends TargetOptions {
  /** The target, as given to `upload`. */
  to: string;
  /**
   * Abort the open multipart uploads older than {@link DoctorOptions.olderThanMs}, so the storage
   * frees (and stops billing) their parts.
   * @default false (report only)
   */
  fix?: boolean;
  /**
   * Only uploads begun at least this long ago count, in milliseconds: one begun more recently may be a
   * deploy running right now.
   * @default 86400000 (1 day)
   */
  olderThanMs?: number;
}

/** Options of {@link rollback}: make an earlier release current again. */
export interface RollbackOptions extends TargetOptions {
  /** The target, as given to `upload`. */
  to: string;
  /** The release to go back to: its id, its label, or `previous` (the one the current release replaced). */
  release: string;
  /**
   * CDNs to purge once the documents are published again; as {@link UploadOptions.purge}.
   * @default [] (no purge)
   */
  purge?: string[];
  /**
   * The public URL the documents are served at; as {@link UploadOptions.publicUrl}.
   * @default none
   */
  publicUrl?: string;
}

/** What {@link prune} did. */
export interface PruneResult {
  /** The target, as given. */
  target: string;
  /** Whether this was a dry run (nothing deleted). */
  dryRun: boolean;
  /** Release ids kept, newest first. */
  kept: string[];
  /** Release ids whose manifests were (or would be) removed. */
  dropped: string[];
  /** Keys deleted (or that would be), including the dropped releases' manifests. */
  deleted: string[];
  /** Bytes freed (or that would be). */
  bytes: number;
  /**
   * One report per `purge` entry, after the deletions; absent when none was asked, or in a dry run
   * (each with no items when nothing was deleted).
   */
  purge?: PurgeReport[];
}
