import type { GuardOptions } from './types.js';

export { RELEASE_FILE, RELEASE_META, RELOAD_EVENT } from './constants.js';
export type { GuardOptions } from './types.js';

/** The minified guard with `__SKEWLESS_RELEASE_URL__` in place of its release URL; set at build (define). */
declare const __SKEWLESS_GUARD__: string;
/** The variant for a framework's pages (`framework: true`), with the same placeholders; set at build too. */
declare const __SKEWLESS_FRAMEWORK_GUARD__: string;

const URL_TOKEN = '__SKEWLESS_RELEASE_URL__';
const ASSETS_TOKEN = '__SKEWLESS_ASSETS_URL__';
const GUARD: string = __SKEWLESS_GUARD__;
const FRAMEWORK_GUARD: string = __SKEWLESS_FRAMEWORK_GUARD__;

// Safe inside <script>: JSON has no raw `<`, so no `</script>` or `<!--` can end the element early.
const scriptLiteral = (value: string) => JSON.stringify(value).replace(/</g, '\\u003c');

const attribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/**
 * The inline guard's code (no `<script>` tag), with the default release URL `skewless.json` at the base
 * and the default assets URL `/` (any file of the page's origin).
 */
export const guardSource: string = GUARD.replace(URL_TOKEN, 'void 0').replace(ASSETS_TOKEN, '"/"');

/** The default `assetsUrl`: the release file's folder, or the page's whole origin without a release URL. */
function defaultAssetsUrl(releaseUrl: string | undefined): string {
  if (releaseUrl === undefined) return '/';
  return releaseUrl.slice(0, releaseUrl.lastIndexOf('/') + 1) || './';
}

/**
 * The inline guard as a `<script>` element for `<head>`, before any other script or stylesheet.
 * Safe to call in Node (no DOM access).
 */
export function renderGuard(options: GuardOptions = {}): string {
  const url = options.releaseUrl === undefined ? 'void 0' : scriptLiteral(options.releaseUrl);
  const assets = scriptLiteral(options.assetsUrl ?? defaultAssetsUrl(options.releaseUrl));
  const nonce = options.nonce ? ` nonce="${attribute(options.nonce)}"` : '';
  // Function replacers: a `$&` in a URL must stay literal.
  const code = options.framework ? FRAMEWORK_GUARD : GUARD;
  return `<script${nonce}>${code.replace(URL_TOKEN, () => url).replace(ASSETS_TOKEN, () => assets)}</script>`;
}
