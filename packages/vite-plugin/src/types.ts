import type { BuildUploadOptions, CacheControlMap, HashCharacters } from '@skewless/core';

/**
 * Where and how to upload after the build: the options of `upload()` from `@skewless/uploader`
 * (documented there field by field) without `dir`, `manifest`, `digests` and `logger`, which the plugin
 * supplies.
 */
export type SkewlessUploadOptions = Omit<
  BuildUploadOptions,
  'dir' | 'manifest' | 'digests' | 'logger' | 'tar' | 'strip' | 'hash'
>;

/** The inline guard that recovers a page whose entry script or CSS failed to load after a deploy. */
export interface SkewlessGuardOptions {
  /**
   * The `nonce` attribute of the guard's `<script>` tag. A CSP nonce must change with every response, so a
   * fixed string here only works as a placeholder that the server replaces in each response. Prefer Vite's
   * `html.cspNonce` (Vite 5.3+) set to such a placeholder, and leave this unset: Vite puts it on every
   * script and link tag, the guard's included. Without per-response nonces, use `mode: 'external'`.
   * @default none: Vite's `html.cspNonce` when that is set
   */
  nonce?: string;
  /**
   * `inline`: the guard is written into each HTML `<head>`; `external`: it is emitted as a hashed
   * script and linked with `<script src>` (for a CSP without `unsafe-inline` and without nonces, such as
   * `script-src 'self'`).
   * @default 'inline'
   */
  mode?: 'inline' | 'external';
}

/** Options of the `skewless()` plugin. Every field is optional. */
export interface SkewlessOptions {
  /**
   * Characters of content hash in every file name, 8–21 (21 is the most Rollup and Rolldown accept).
   * Monorepos with thousands of chunks use 12–16.
   * @default 8
   */
  hashLength?: number;
  /**
   * Alphabet of the hash: `hex` (`[a-f0-9]`, matched by common CDN rules) or URL-safe `base64`.
   * @default 'hex'
   */
  hashCharacters?: HashCharacters;
  /**
   * Output paths (relative to the output directory) that deliberately keep a stable name, e.g. a
   * service worker called `worker.js`. They are classed `document` (always revalidated). Control files
   * (`sw.js`, `service-worker.js`, `importmap.json`, `remoteEntry.js`…, see `isControlFile` in
   * `@skewless/core`) are documents by name and need no entry.
   * @default []
   */
  unhashed?: string[];
  /**
   * Serve source maps like other files instead of classing them `private` (never uploaded publicly).
   * @default false
   */
  publicSourceMaps?: boolean;
  /**
   * Where the release file (`{"release": "<id>"}`, which the runtime fetches to tell a new deploy) is
   * written, relative to `outDir`. Move it into `assetsDir` (e.g. `'assets/skewless.json'`) when the
   * server's SPA fallback answers every path outside the assets folder with `index.html`. It stays a
   * no-cache document, published last, and the inline guard fetches it there.
   * @default 'skewless.json'
   */
  releaseFile?: string;
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
   * The head guard for entry/CSS load failures: `true` or an object to configure it, `false` to leave
   * HTML without it.
   * @default true ({ mode: 'inline' })
   */
  guard?: boolean | SkewlessGuardOptions;
  /**
   * Write Brotli and gzip siblings (`.br`, `.gz`) of compressible files, for an origin or nginx
   * `gzip_static` that serves them. They are codings of listed files, so the manifest leaves them out.
   * @default false
   */
  precompress?: boolean;
  /**
   * Folder for emitted files in a plain Rollup build (Vite's `build.assetsDir` is used under Vite).
   * @default '' (Rollup), Vite's `build.assetsDir` (Vite)
   */
  assetsDir?: string;
  /**
   * The folder a framework deploys, relative to the project root, when it writes its site somewhere the
   * plugin cannot see (SvelteKit's adapter). The manifest is written over this folder after the framework
   * finished it. Ignored for plain Vite apps.
   * @default 'build' (SvelteKit with adapter-static), the client build's folder (React Router framework mode)
   */
  deployDir?: string;
}
