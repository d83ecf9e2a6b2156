import { createHash } from 'node:crypto';
import type { HashFormat } from '@skewless/core';
import { RELEASE_FILE, RELEASE_META, RELEASE_PLACEHOLDER, SkewlessError } from '@skewless/core';
import { escapeAttr, type HtmlTag } from './html.js';

/** The part of `@skewless/runtime/guard` the plugin uses. */
interface GuardModule {
  renderGuard(options: {
    nonce?: string;
    releaseUrl?: string;
    assetsUrl?: string;
    framework?: boolean;
  }): string;
}

let loaded: GuardModule | undefined;

/**
 * Load @skewless/runtime/guard once. An integration calls it while the framework loads its config:
 * Astro runs the config's modules in a Vite module runner that is closed by the time its last hook
 * runs, and an import from there would fail.
 */
export async function loadGuard(): Promise<GuardModule> {
  try {
    loaded ??= (await import('@skewless/runtime/guard')) as unknown as GuardModule;
    return loaded;
  } catch (error) {
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `cannot load the head guard from @skewless/runtime/guard (${(error as Error).message}). Install @skewless/runtime next to @skewless/vite, or set guard: false.`,
      { cause: error },
    );
  }
}

/**
 * The guard's code for a build (without the `<script>` element), loaded from @skewless/runtime.
 * `framework`: the variant for pages a framework writes, whose entry loads from an inline script.
 * `assetsBase`: where the build's files are served from when not under `base` (SvelteKit's `paths.assets`,
 * Vite's renderBuiltUrl to a CDN: another origin).
 */
export async function guardCode(
  base: string,
  assetsDir = '',
  releaseFile = RELEASE_FILE,
  framework = false,
  assetsBase = base,
): Promise<string> {
  const mod = await loadGuard();
  const element = mod.renderGuard({
    releaseUrl: releaseUrlFor(base, releaseFile),
    assetsUrl: assetsUrlFor(assetsBase, assetsDir),
    ...(framework ? { framework } : {}),
  });
  const code = /^<script[^>]*>([\s\S]*)<\/script>$/.exec(element)?.[1];
  if (code === undefined)
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `unexpected guard markup from @skewless/runtime. Update @skewless/runtime.`,
    );
  return code;
}

/** Whether a base pins URLs (`/admin/`, `https://cdn.example/`) rather than resolving them per page (`./`). */
export function isAbsoluteBase(base: string): boolean {
  return base.startsWith('/') || /^https?:\/\//.test(base);
}

/**
 * The base as one page of the build resolves it. An absolute base is the same on every page; a relative
 * one (`./`) is relative to each page's own folder: Vite links the files of `pages/admin/index.html` as
 * `../../assets/…`, and the guard's URLs, which resolve against the document too, must climb the same way
 * (with `./assets/` that page's failures were not the build's, and its release file was looked for in
 * `pages/admin/`). `htmlFile` is the page's path in the output folder, with or without a leading `/`.
 */
export function pageBase(base: string, htmlFile: string): string {
  if (isAbsoluteBase(base)) return base;
  const depth = htmlFile.replace(/^\/+/, '').split('/').length - 1;
  return depth > 0 ? '../'.repeat(depth) : base;
}

/**
 * Where the guard fetches the release file. An absolute base pins it, so it resolves right under a
 * client-side router (`/admin/users/7` must still fetch `/admin/skewless.json`); a relative base at the
 * page's own folder (`./`) leaves the runtime's default, relative to the document, unless the file was
 * moved (`releaseFile`): then that path, relative to the document too. A page in a subfolder (a base of
 * `../`, see pageBase) climbs to the build's root.
 */
export function releaseUrlFor(base: string, releaseFile = RELEASE_FILE): string | undefined {
  if (isAbsoluteBase(base) || base.startsWith('../')) return `${base}${releaseFile}`;
  return releaseFile === RELEASE_FILE ? undefined : `${base}${releaseFile}`;
}

/**
 * The folder of the build's own files, the only ones whose failure the guard answers: base + assetsDir,
 * relative for a relative base as Vite writes the page's links. With an empty assetsDir it is the base.
 */
export function assetsUrlFor(base: string, assetsDir: string): string {
  const dir = assetsDir.replace(/^\/+|\/+$/g, '');
  return `${base}${dir ? `${dir}/` : ''}`;
}

/** The inline guard as a tag Vite puts first in `<head>`, before any script or stylesheet. */
export function inlineGuardTag(code: string, nonce: string | undefined): HtmlTag {
  return { tag: 'script', attrs: nonce ? { nonce } : {}, children: code, injectTo: 'head-prepend' };
}

/** The external guard's file name, hashed like every other file, so it can be cached for a year. */
export function guardFileName(code: string, assetsDir: string, hash: HashFormat): string {
  const digest = createHash('sha256')
    .update(code)
    .digest(hash.characters === 'hex' ? 'hex' : 'base64url');
  const prefix = assetsDir ? `${assetsDir.replace(/\/+$/, '')}/` : '';
  return `${prefix}skewless-guard-${digest.slice(0, hash.length)}.js`;
}

/** A classic blocking `<script src>`: it must run before the module scripts it protects. */
export function externalGuardTag(src: string, nonce: string | undefined): HtmlTag {
  return { tag: 'script', attrs: { src, ...(nonce ? { nonce } : {}) }, injectTo: 'head-prepend' };
}

const RELEASE_META_TAG = `<meta name="${RELEASE_META}" content="${RELEASE_PLACEHOLDER}">`;

/**
 * The page with the external guard's `<script src>` right after its release meta tag, so first in `<head>`
 * after the charset. Added to the finished page, not through Vite's HTML hooks: Vite reads every classic
 * `<script src>` those hooks add and warns that it "can't be bundled without type=\"module\"", a warning about
 * a file that is not one of the page's sources. Unchanged when the page has no unstamped release meta tag.
 */
export function withExternalGuard(html: string, src: string, nonce: string | undefined): string {
  const at = html.indexOf(RELEASE_META_TAG);
  if (at < 0) return html;
  const end = at + RELEASE_META_TAG.length;
  const attrs = ` src="${escapeAttr(src)}"${nonce ? ` nonce="${escapeAttr(nonce)}"` : ''}`;
  return `${html.slice(0, end)}<script${attrs}></script>${html.slice(end)}`;
}
