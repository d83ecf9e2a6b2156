import type { CacheControlMap, HashFormat } from './types.js';

/** Where the manifest lives inside the output directory. */
export const MANIFEST_PATH = '.skewless/manifest.json';

/** The release file the runtime fetches with `cache: 'no-store'`, at the root of the output directory. */
export const RELEASE_FILE = 'skewless.json';

/**
 * A placeholder the plugin puts into HTML (`<meta name="skewless-release" content="…">`) and replaces
 * with the release id in the bundle, before other plugins read the HTML (`bundleRelease`); the engine
 * replaces it in any document still holding it on disk. The release id is computed over the files as
 * they are with the placeholder, so the id can live inside the documents it identifies.
 */
export const RELEASE_PLACEHOLDER = '__SKEWLESS_RELEASE__';

/** The meta tag name that carries the release id in HTML; the runtime reads it. */
export const RELEASE_META = 'skewless-release';

/** The default hash format: 8 lowercase hex characters, matched by `[a-f0-9]{8}` CDN rules. */
export const DEFAULT_HASH: HashFormat = { length: 8, characters: 'hex' };

/** One year in seconds: the longest max-age caches honour. */
export const ONE_YEAR = 31_536_000;

/** Default Cache-Control per class. */
export const DEFAULT_CACHE_CONTROL: CacheControlMap = {
  immutable: `public, max-age=${ONE_YEAR}, immutable`,
  // Public files keep their names across releases: a short TTL bounds staleness, SWR hides latency.
  revalidate: 'public, max-age=300, stale-while-revalidate=86400',
  document: 'no-cache',
  private: 'private, no-store',
};

/** Errors must never be cached by a CDN: a cached 404 for a chunk outlives the deploy that caused it. */
export const ERROR_CACHE_CONTROL = 'no-store';

/** Set while `checkDeterminism` builds, so the plugin skips side effects (upload, previous-manifest checks). */
export const DETERMINISM_ENV = 'SKEWLESS_DETERMINISM_CHECK';
