import type { CacheControlMap, HashCharacters } from '@skewless/uploader';

/**
 * Where and how to upload after the build, handed to `upload()` of `@skewless/uploader` together with
 * the output directory, the manifest and the logger.
 */
export interface SkewlessUploadOptions {
  /** Destination: `s3://bucket/prefix` or `file:///absolute/path`. */
  to: string;
  /**
   * Also publish the HTML documents (after every asset is verified). Off by default so a CI step can
   * publish HTML separately once the assets are everywhere.
   * @default false
   */
  html?: boolean;
  /**
   * Overwrite objects whose bytes differ even when they are `immutable` (never needed in normal use).
   * @default false
   */
  force?: boolean;
  /**
   * Plan and report, but send nothing.
   * @default false
   */
  dryRun?: boolean;
  /**
   * Uploads in flight at once.
   * @default the engine's default
   */
  concurrency?: number;
  /**
   * S3 endpoint URL for S3-compatible storage (R2, MinIO, a local server).
   * @default AWS
   */
  endpoint?: string;
  /**
   * S3 region.
   * @default the AWS SDK's default chain
   */
  region?: string;
  /**
   * Path-style S3 addressing (`endpoint/bucket/key`), needed by most S3-compatible servers.
   * @default false
   */
  forcePathStyle?: boolean;
  /**
   * Canned ACL for uploaded objects, e.g. `public-read`.
   * @default none
   */
  acl?: string;
  /**
   * Extra headers per uploaded object.
   * @default {}
   */
  headers?: Record<string, string>;
}

/** The inline guard that recovers a page whose entry script or CSS failed to load after a deploy. */
export interface SkewlessGuardOptions {
  /**
   * CSP nonce for the guard's `<script>` tag.
   * @default none
   */
  nonce?: string;
  /**
   * `inline`: the guard is written into each HTML `<head>`; `external`: it is emitted as a hashed
   * script and linked with `<script src>` (for a CSP without `unsafe-inline` and without nonces).
   * @default 'inline'
   */
  mode?: 'inline' | 'external';
}

/** Options of the `skewless()` plugin. Every field is optional. */
export interface SkewlessOptions {
  /**
   * Characters of content hash in every file name, 8–32. Monorepos with thousands of chunks use 12–16.
   * @default 8
   */
  hashLength?: number;
  /**
   * Alphabet of the hash: `hex` (`[a-f0-9]`, matched by common CDN rules) or URL-safe `base64`.
   * @default 'hex'
   */
  hashCharacters?: HashCharacters;
  /**
   * Output paths (relative to the output directory) that deliberately keep a stable name, e.g.
   * `sw.js`. They are classed `document` (always revalidated).
   * @default []
   */
  unhashed?: string[];
  /**
   * Serve source maps like other files instead of classing them `private` (never uploaded publicly).
   * @default false
   */
  publicSourceMaps?: boolean;
  /**
   * The previous release's manifest (a path relative to the project root, or an http(s) URL). The build
   * reports how many names were kept and fails if a name now maps to different bytes.
   * @default none
   */
  previousManifest?: string;
  /**
   * Cache-Control per class, overriding the engine defaults.
   * @default {}
   */
  cacheControl?: Partial<CacheControlMap>;
  /**
   * Upload the build after the manifest is written.
   * @default none (no upload)
   */
  upload?: SkewlessUploadOptions;
  /**
   * What a failed upload does to the build: `error` fails it, `warn` reports and succeeds.
   * @default 'error'
   */
  onUploadError?: 'error' | 'warn';
  /**
   * The head guard for entry/CSS load failures, or `false` to leave HTML without it.
   * @default { mode: 'inline' }
   */
  guard?: false | SkewlessGuardOptions;
  /**
   * Write `.br`/`.gz` siblings of compressible files for an origin that serves them.
   * @default false
   */
  precompress?: boolean;
  /**
   * Folder for emitted files in a plain Rollup build (Vite's `build.assetsDir` is used under Vite).
   * @default '' (Rollup), Vite's `build.assetsDir` (Vite)
   */
  assetsDir?: string;
}
