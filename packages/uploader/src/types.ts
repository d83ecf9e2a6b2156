/**
 * Public types of the Skewless engine. The manifest type is defined here once and used by the
 * Vite plugin (which writes it), the uploader and origin middleware (which read it), and documented
 * for the runtime (which reads only the tiny release file).
 */

/**
 * How a file may be cached, decided once per file and carried into every header Skewless sets.
 *
 * - `immutable`: the name carries a content hash; the bytes behind the name never change.
 * - `revalidate`: a stable name whose bytes may change between releases (files from `public/`).
 * - `document`: an entry point that points at hashed files (HTML, a service worker, the release
 *   file); always revalidated, and published only after every file it references.
 * - `private`: not for the public bucket or CDN (source maps unless opted in).
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
