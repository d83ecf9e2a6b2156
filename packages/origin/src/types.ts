import type { CacheControlMap, HashFormat, Manifest } from '@skewless/core';

/** Options of {@link createOriginHandler}. */
export interface OriginOptions {
  /** The build output directory to serve (absolute, or relative to the working directory). */
  dir: string;
  /**
   * The manifest that says which files exist and how to serve them. `undefined` reads
   * `<dir>/.skewless/manifest.json` (and re-reads it when it changes on disk, so a deploy that
   * rewrites the directory is picked up); without one, files are classified by name with the engine's
   * classifier. `false` always classifies by name.
   * @default undefined (read from dir)
   */
  manifest?: Manifest | false;
  /**
   * The URL path the directory is served under, e.g. `/admin/` for a build made with Vite's
   * `base: '/admin/'` behind a plain node:http server. Requests outside it are not handled (next() or
   * 404). Under Express, mounting with `app.use('/admin', handler)` strips the path already: pass `/`.
   * When not given, the manifest's `base` is used if it is absolute (`/admin/`), else `/` (a relative
   * `./` build works under any path): a URL under it is served with the base stripped, and a URL outside
   * it as a path from the directory's root, so a proxy or mount that strips the prefix still works.
   * @default the manifest's `base` when it starts with `/`, else '/'
   */
  base?: string;
  /**
   * How hashed names look, for a directory served without a manifest (`manifest: false`, or none on
   * disk): a build made with `hashLength: 12` names its files `-<12 hex>.`, and with the default format
   * they would be served for minutes instead of a year. Ignored when there is a manifest (it records
   * its own format).
   * @default { length: 8, characters: 'hex' }
   */
  hash?: HashFormat;
  /**
   * The document served for navigations that match no file (a client-side router's deep link), relative
   * to `dir`. Only GET/HEAD requests that accept `text/html` and whose last path segment has no extension
   * get it; a missing `/assets/app-1a2b3c4d.js` stays a 404. `false` turns the fallback off.
   * @default 'index.html'
   */
  spaFallback?: string | false;
  /**
   * Cache-Control per class, over the manifest's value and the engine's defaults.
   * @default the manifest's `cacheControl` per file, else DEFAULT_CACHE_CONTROL
   */
  cacheControl?: Partial<CacheControlMap>;
  /**
   * Cache-Control for HTML documents (and the SPA fallback), e.g.
   * `'public, max-age=60, stale-while-revalidate=300'` when a CDN may hold HTML for a minute.
   * The release file is always `no-cache`, whatever this says: the runtime must see a deploy at once.
   * @default 'no-cache'
   */
  documentCacheControl?: string;
  /**
   * Serve `<file>.br` / `<file>.gz` siblings (written by `precompress()`) to clients whose
   * Accept-Encoding allows them, with `Content-Encoding` set. Brotli is preferred over gzip. A sibling
   * counts only when it decodes to exactly the file's bytes (checked once per version of the pair, and
   * cut short when the decoded bytes outgrow the file): a same-named file you ship on purpose, such as a
   * downloadable `data.json.gz` next to `data.json`, is never sent as a coding of `data.json`, and a
   * request for `/data.json.gz` gets that file itself (when the manifest lists it, or with no manifest).
   * A sibling that is a symbolic link or older than its file is ignored too (the file is sent as is).
   * @default true
   */
  precompressed?: boolean;
  /**
   * Extra headers on every successful file response (200/304), e.g. `Strict-Transport-Security`.
   * @default {}
   */
  headers?: Record<string, string>;
}
