import { posix } from 'node:path';

// Astro's islands load their component and renderer from attributes of <astro-island>, not from a
// script's src: without them an Astro page would reference none of its scripts.
const ATTR =
  /\b(?:src|href|srcset|content|component-url|renderer-url|before-hydration-url)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;

/**
 * The output-directory paths an HTML document references through `src`, `href`, `srcset` and
 * `content` attributes (and the URL attributes of Astro's `<astro-island>`), resolved against the
 * document's location and the build's `base`. A `base` that is an absolute URL (Vite's `base:
 * 'https://cdn…/'`), and `assetsBase` (another origin the files are served from), map to the output's root.
 * Only paths present in `known` are returned (external URLs, routes and anchors drop out), sorted.
 */
export function htmlReferences(
  html: string,
  htmlPath: string,
  base: string,
  known: ReadonlySet<string>,
  assetsBase?: string,
): string[] {
  const found = new Set<string>();
  const baseDir = base === '' || base === './' || !base.startsWith('/') ? null : base;
  const origins = [base, assetsBase].filter(
    (b): b is string => b !== undefined && /^https?:\/\//i.test(b) && b.endsWith('/'),
  );
  for (const match of html.matchAll(ATTR)) {
    const value = match[1] ?? match[2] ?? '';
    for (const candidate of value.split(',')) {
      const raw = candidate.trim().split(/\s+/)[0] ?? '';
      const origin = origins.find((o) => raw.toLowerCase().startsWith(o.toLowerCase()));
      // On another origin: the part after it is a path from the output's root.
      const url = origin ? `/${raw.slice(origin.length)}` : raw;
      const path = resolveRef(url, htmlPath, origin ? null : baseDir);
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
