import { DEFAULT_HASH } from './constants.js';
import { BUNDLER_HASHES, isHashedName } from './hashed-name.js';
import type { HashFormat } from './types.js';

/**
 * Control files by their exact file name (the last path segment), at any depth: a base path or a
 * module federation remote can put them in a folder.
 */
const CONTROL_NAMES = new Set([
  // Service workers. A browser checks the worker's bytes on every navigation; one served stale
  // installs under the new release and precaches the old HTML.
  'sw.js',
  'sw.mjs',
  'service-worker.js',
  'service-worker.mjs',
  'firebase-messaging-sw.js',
  // Angular's worker and the list of files it caches (ngsw.json).
  'ngsw-worker.js',
  'ngsw.json',
  // Workbox's precache list when it is a separate, unhashed file (workbox 4's importScripts setup;
  // vite-plugin-pwa and workbox 5+ inline it into the worker).
  'precache-manifest.js',
  'precache-manifest.json',
  // Rolldown's chunk import map (Vite 8 `build.chunkImportMap`), the legacy build's copy next to it.
  // Vite inlines it into the HTML; the file stays in the output for servers that render their own HTML.
  'importmap.json',
  'importmap.legacy.json',
  // Module federation: a remote's entry and the manifests a host reads to find the remote's chunks.
  'remoteEntry.js',
  'mf-manifest.json',
  'mf-stats.json',
]);

/** SvelteKit's release check: `<appDir>/version.json`, polled by `updated` (appDir `_app` by default). */
const SVELTEKIT_VERSION = /(^|\/)_app\/version\.json$/;

/**
 * The `<name>-sw.js` and `sw-<name>.js` shapes (`custom-sw.js`, `sw-prod.mjs`). The part after `sw-`
 * must be lowercase words, so `swiper.js` and `sw-1a2b3c4d.js`-like hashes stay out.
 */
const WORKER_SHAPE = /^(?:[A-Za-z0-9_.-]+-sw|sw-[a-z]+(?:[-_][a-z0-9]+)*)\.m?js$/;

/**
 * Whether a file tells a browser which other files make up the current release: a service worker, a
 * precache list, an import map, a module federation entry or manifest, SvelteKit's version file. Such
 * a file is a `document` (no-cache, uploaded with the HTML after the assets are verified): served
 * stale, it points the browser at the previous release, or at files the previous release never had.
 *
 * A content-hashed name is never a control file (`workbox-1a2b3c4d.js`, `remoteEntry-1a2b3c4d.js`):
 * whatever references it does so by that name, so it is immutable. Names are matched, not contents,
 * so the CLI on a bare directory and the origin reach the same answer as the plugin. A false positive
 * costs a revalidation, a false negative a release that mixes two builds, so the shapes lean to "yes".
 *
 * Not a control file: the web app manifest (`manifest.webmanifest`, a root `manifest.json`). It names
 * icons, the start URL and the theme, never chunks, and browsers refetch it on their own schedule; a
 * copy a few minutes old shows an old icon, it breaks no page.
 */
export function isControlFile(path: string, hash: HashFormat = DEFAULT_HASH): boolean {
  if (SVELTEKIT_VERSION.test(path)) return true;
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (!CONTROL_NAMES.has(base) && !WORKER_SHAPE.test(base)) return false;
  return ![hash, ...BUNDLER_HASHES].some((format) => isHashedName(base, format));
}
