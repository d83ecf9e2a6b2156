import { posix } from 'node:path';

// Astro's islands load their component and renderer from attributes of <astro-island>, not from a
// script's src: without them an Astro page would reference none of its scripts.
const ATTR =
  /\b(?:src|href|srcset|content|component-url|renderer-url|before-hydration-url)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;

/**
 * The output-directory paths an HTML document references through `src`, `href`, `srcset` and
 * `content` attributes (and the URL attributes of Astro's `<astro-island>`), resolved against the
 * document's location and the build's `base`.
 * Only paths present in `known` are returned (external URLs, routes and anchors drop out), sorted.
 * `origins`: absolute URLs that stand for the output directory's root, where the pages link the build's
 * files on another origin (Vite's renderBuiltUrl to a CDN: `https://cdn.example/app/`).
 */
export function htmlReferences(
  html: string,
  htmlPath: string,
  base: string,
  known: ReadonlySet<string>,
  origins: readonly string[] = [],
): string[] {
  const found = new Set<string>();
  const baseDir = base === '' || base === './' || !base.startsWith('/') ? null : base;
  for (const match of html.matchAll(ATTR)) {
    const value = match[1] ?? match[2] ?? '';
    for (const candidate of value.split(',')) {
      const url = candidate.trim().split(/\s+/)[0] ?? '';
      const origin = origins.find((o) => url.startsWith(o));
      const path = origin
        ? posix.normalize(url.slice(origin.length).replace(/[?#].*$/, ''))
        : resolveRef(url, htmlPath, baseDir);
      if (path && known.has(path)) found.add(path);
    }
  }
  return [...found].sort();
}

function resolveRef(url: string, htmlPath: string, base: string | null): string | null {
  if (!url || /^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(url)) return null;
  const clean = url.replace(/[?#].*$/, '');
  let path: string;
  if (clean.startsWith('/')) {
    if (base && base !== '/' && clean.startsWith(base)) path = clean.slice(base.length);
    else path = clean.slice(1);
  } else {
    path = posix.join(posix.dirname(htmlPath), clean);
  }
  path = posix.normalize(path);
  return path.startsWith('../') ? null : path.replace(/^\.\//, '');
}
