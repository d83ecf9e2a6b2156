import { DEFAULT_CACHE_CONTROL, MANIFEST_PATH, RELEASE_FILE } from './constants.js';
import { isControlFile } from './control-file.js';
import { isHashedName } from './hashed-name.js';
import type { CacheClass, CacheControlMap, HashFormat } from './types.js';

/** What is known about a file when it is classified. */
export interface ClassifyInput {
  /** Path relative to the output directory, `/`-separated. */
  path: string;
  /** True when the bundler named the file with a content hash; undefined when unknown (bare directory). */
  hashed?: boolean;
}

export interface ClassifyOptions {
  hash: HashFormat;
  /** Serve source maps publicly (class `immutable`/`revalidate` like other files) instead of `private`. */
  publicSourceMaps?: boolean;
  /**
   * Paths (relative to the output directory) deliberately kept unhashed and served as documents, for
   * control files {@link isControlFile} does not know by name (a service worker called `worker.js`).
   */
  unhashed?: readonly string[];
  /**
   * Paths (relative to the output directory) written for a server, never served: Vite's backend manifest
   * under a name of its own (`build.manifest: 'backend/manifest.json'`), classed `private` like `.vite/`.
   */
  serverOnly?: readonly string[];
}

const DOCUMENT = /\.html?$/i;

/**
 * Folders whose every file a framework names by content and never changes in place, whatever the name
 * shape (`app.1cf46e3d.js`, `0.DtJ9kq2Z.js`): SvelteKit's `_app/immutable/` (its default `appDir`) and
 * Astro's `_astro/`. Both frameworks write their own names, so a bare-directory upload of their output
 * has no `-<hash>.` to go by; their documents (`_app/version.json`, the pages) are outside these folders.
 */
export const FRAMEWORK_IMMUTABLE_FOLDERS: readonly string[] = ['_app/immutable/', '_astro/'];

/** Whether a path (relative to the output directory) lies in a {@link FRAMEWORK_IMMUTABLE_FOLDERS} folder. */
export function inFrameworkImmutableFolder(path: string): boolean {
  return FRAMEWORK_IMMUTABLE_FOLDERS.some((folder) => path.startsWith(folder) && path.length > folder.length);
}

/**
 * The single rule that turns a file into a cache class. The plugin (with the bundler's knowledge of
 * which files it hashed) and the CLI on a bare directory (by name) both come through here.
 */
export function classify(file: ClassifyInput, options: ClassifyOptions): CacheClass {
  const { path } = file;
  if (path.endsWith('.map') && !options.publicSourceMaps) return 'private';
  // Bundler and Skewless bookkeeping (Vite's backend manifest) is for servers, not browsers.
  if (path.startsWith('.vite/') || path.startsWith('.skewless/')) return 'private';
  if (options.serverOnly?.includes(path)) return 'private';
  // Dot files (.env, .git/, .htpasswd) are never public, as in the origin handler; .well-known is the
  // standard exception.
  if (path.split('/').some((s) => s.startsWith('.') && s !== '.well-known')) return 'private';
  if (DOCUMENT.test(path) || path === RELEASE_FILE || path === MANIFEST_PATH) return 'document';
  if (options.unhashed?.includes(path)) return 'document';
  const hashed = file.hashed ?? (isHashedName(path, options.hash) || inFrameworkImmutableFolder(path));
  if (hashed) return 'immutable';
  // Service workers, import maps, federation entries: they name the release's files, so they ship with
  // the HTML, after the files they name (see control-file.ts).
  return isControlFile(path, options.hash) ? 'document' : 'revalidate';
}

/** Cache-Control for a class, with per-class overrides. */
export function cacheControlFor(cls: CacheClass, overrides?: Partial<CacheControlMap>): string {
  return overrides?.[cls] ?? DEFAULT_CACHE_CONTROL[cls];
}
